import { badRequest, getRequestId } from "@cleanops/http";
import { verifyWebhookEvent } from "@cleanops/payments";
import type { MikroORM } from "@mikro-orm/postgresql";
import express, { Router } from "express";
import { applyStripeEvent } from "./stripe-event-effects.ts";

export const STRIPE_WEBHOOK_PATH = "/webhooks/stripe";

export type StripeWebhookOptions = { orm: MikroORM; webhookSecret: string; clock: () => Date };

/**
 * `POST /webhooks/stripe`, mounted before the JSON parser: the signature covers the exact bytes Stripe sent, so the
 * body is read raw and verified by the SDK (300 s tolerance against the app's clock) before anything is parsed or
 * stored. A bad signature or a stale timestamp is a 400 and leaves no trace in the database.
 */
export function stripeWebhookRouter(options: StripeWebhookOptions): Router {
  const router = Router();
  router.post(STRIPE_WEBHOOK_PATH, express.raw({ type: () => true, limit: "512kb" }), async (req, res) => {
    const header = req.header("stripe-signature");
    const body: unknown = req.body;
    if (!header || !Buffer.isBuffer(body)) throw badRequest("A Stripe-Signature header and a raw body are required.");
    let event;
    try {
      event = verifyWebhookEvent(body, header, options.webhookSecret, options.clock());
    } catch {
      // The SDK's message can quote the header; the answer and the log say only what failed.
      throw badRequest("The webhook signature is invalid or its timestamp is outside the tolerance.");
    }
    const outcome = await applyStripeEvent(options.orm, event, options.clock, getRequestId(req));
    res.status(200).json({ received: true, duplicate: outcome === "duplicate" });
  });
  return router;
}
