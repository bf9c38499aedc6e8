import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { checkoutMetadata, type Checkout, type CheckoutRequest, type PaymentProvider } from "./provider.ts";
import { signWebhookPayload } from "./webhook-signing.ts";

/** A checkout of the local provider, carried in its URL (signed), so any instance can serve the page. */
export type LocalSession = {
  id: string;
  amountCents: number;
  currency: string;
  orgId: string;
  invoiceId: string;
  description: string;
  successUrl: string;
  cancelUrl: string;
};

export type LocalProviderOptions = {
  /** Where public-invoices serves the local checkout page, e.g. `http://127.0.0.1:3003`. */
  baseUrl: string;
  /** Signs the session in the URL (the webhook secret: the local provider and the webhook share one trust). */
  secret: string;
};

export const LOCAL_CHECKOUT_PATH = "/checkout/local";

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64url");
const mac = (data: string, secret: string) => createHmac("sha256", `local-checkout:${secret}`).update(data).digest("base64url");

export function encodeLocalSession(session: LocalSession, secret: string): string {
  const data = b64(JSON.stringify(session));
  return `${data}.${mac(data, secret)}`;
}

/** The session of a local checkout URL, or null when it was not made with `secret` (forged or altered). */
export function decodeLocalSession(token: string, secret: string): LocalSession | null {
  const [data, sig, ...rest] = token.split(".");
  if (data === undefined || sig === undefined || rest.length > 0) return null;
  const expected = Buffer.from(mac(data, secret));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    return JSON.parse(Buffer.from(data, "base64url").toString("utf8")) as LocalSession;
  } catch {
    return null;
  }
}

/**
 * The local provider: no network, no account. Its checkout page (served by public-invoices) takes Stripe's test card
 * numbers and then delivers a signed event to the app's own webhook, the same path real Stripe events take.
 */
export function localProvider(options: LocalProviderOptions): PaymentProvider {
  return {
    name: "local",
    createCheckout(request: CheckoutRequest): Promise<Checkout> {
      // Deterministic from the idempotency key: the same request opens the same checkout, as with Stripe.
      const id = `cs_local_${createHmac("sha256", options.secret).update(request.idempotencyKey).digest("hex").slice(0, 24)}`;
      const session: LocalSession = {
        id,
        amountCents: request.amountCents,
        currency: request.currency,
        orgId: request.orgId,
        invoiceId: request.invoiceId,
        description: request.description,
        successUrl: request.successUrl,
        cancelUrl: request.cancelUrl,
      };
      const redirectUrl = `${options.baseUrl}${LOCAL_CHECKOUT_PATH}/${encodeLocalSession(session, options.secret)}`;
      return Promise.resolve({ id, redirectUrl });
    },
  };
}

export type TestCardOutcome = "succeeded" | "declined" | "invalid";

/** Stripe's documented test cards: 4242… pays, 4000 0000 0000 0002 is declined; anything else is not a test card. */
export function testCardOutcome(cardNumber: string): TestCardOutcome {
  const digits = cardNumber.replace(/[\s-]/g, "");
  if (digits === "4242424242424242") return "succeeded";
  if (digits === "4000000000000002") return "declined";
  return "invalid";
}

/** The `checkout.session.completed` event Stripe sends for a paid session, in its documented shape. */
export function checkoutCompletedEvent(session: LocalSession, now: Date): Record<string, unknown> {
  const created = Math.floor(now.getTime() / 1000);
  return {
    id: `evt_local_${randomUUID().replaceAll("-", "")}`,
    object: "event",
    type: "checkout.session.completed",
    created,
    livemode: false,
    data: {
      object: {
        id: session.id,
        object: "checkout.session",
        mode: "payment",
        status: "complete",
        payment_status: "paid",
        amount_total: session.amountCents,
        currency: session.currency.toLowerCase(),
        payment_intent: `pi_local_${session.id.slice("cs_local_".length)}`,
        client_reference_id: session.invoiceId,
        metadata: checkoutMetadata(session),
      },
    },
  };
}

/** Posts `event` to `webhookUrl` signed exactly as Stripe signs; resolves with the webhook's HTTP status. */
export async function deliverSignedEvent(webhookUrl: string, event: Record<string, unknown>, secret: string, now: Date): Promise<number> {
  const payload = JSON.stringify(event);
  const res = await fetch(webhookUrl, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "stripe-signature": signWebhookPayload(payload, secret, Math.floor(now.getTime() / 1000)),
    },
    body: payload,
    signal: AbortSignal.timeout(10_000),
  });
  await res.arrayBuffer();
  return res.status;
}
