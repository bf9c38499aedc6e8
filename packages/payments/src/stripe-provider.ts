import { Stripe } from "stripe";
import { checkoutMetadata, type Checkout, type CheckoutRequest, type PaymentProvider } from "./provider.ts";

export type StripeProviderOptions = {
  secretKey: string;
  /** Tests point the SDK at a local stand-in; production leaves these to the SDK (api.stripe.com over https). */
  host?: string;
  port?: number;
  protocol?: "http" | "https";
};

/** The SDK client with the project's settings: no automatic retries hidden behind a request the customer waits on. */
export function createStripeClient(options: StripeProviderOptions): Stripe {
  return new Stripe(options.secretKey, {
    maxNetworkRetries: 0,
    timeout: 10_000,
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.protocol === undefined ? {} : { protocol: options.protocol }),
  });
}

/** Stripe Checkout: one payment-mode session for the balance, the org and invoice in its metadata (and its payment's). */
export function stripeProvider(options: StripeProviderOptions): PaymentProvider {
  const stripe = createStripeClient(options);
  return {
    name: "stripe",
    async createCheckout(request: CheckoutRequest): Promise<Checkout> {
      const metadata = checkoutMetadata(request);
      const session = await stripe.checkout.sessions.create(
        {
          mode: "payment",
          line_items: [
            {
              quantity: 1,
              price_data: {
                currency: request.currency.toLowerCase(),
                unit_amount: request.amountCents,
                product_data: { name: request.description },
              },
            },
          ],
          metadata,
          // payment_intent.* events carry the intent's own metadata, not the session's.
          payment_intent_data: { metadata },
          client_reference_id: request.invoiceId,
          success_url: request.successUrl,
          cancel_url: request.cancelUrl,
        },
        { idempotencyKey: request.idempotencyKey },
      );
      if (session.url === null) throw new Error(`Stripe returned checkout session ${session.id} without a URL`);
      return { id: session.id, redirectUrl: session.url };
    },
  };
}
