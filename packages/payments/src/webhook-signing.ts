import { Stripe } from "stripe";

/** Stripe's default and the issue's: an event signed more than five minutes before it is checked is refused. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/** The `Stripe-Signature` header Stripe would send for `payload` at `timestampSeconds`, computed by the SDK itself. */
export function signWebhookPayload(payload: string, secret: string, timestampSeconds: number): string {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: timestampSeconds });
}

/**
 * Verifies a raw webhook body with the SDK (signature and age against `now`, the caller's clock) and returns the
 * event; throws Stripe's signature error otherwise.
 */
export function verifyWebhookEvent(rawBody: string | Buffer, header: string, secret: string, now: Date): Stripe.Event {
  return Stripe.webhooks.constructEvent(rawBody, header, secret, WEBHOOK_TOLERANCE_SECONDS, undefined, now.getTime());
}
