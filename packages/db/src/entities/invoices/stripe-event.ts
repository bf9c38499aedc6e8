import { p, type InferEntity } from "@mikro-orm/core";
import { defineOrgEntity } from "../base/org-scoped.ts";
import { uuidPrimaryKey } from "../base/primary-key.ts";

/** A Stripe webhook event, recorded once per org (each org may connect its own Stripe account). */
export const StripeEvent = defineOrgEntity({
  name: "StripeEvent",
  tableName: "stripe_events",
  properties: {
    id: uuidPrimaryKey(),
    stripeEventId: p.text(),
    type: p.text(),
    payload: p.json<Record<string, unknown>>(),
    receivedAt: p.datetime().defaultRaw("now()"),
    processedAt: p.datetime().nullable(),
    error: p.text().nullable(),
  },
  uniques: [{ properties: ["orgId", "stripeEventId"] }],
});

export type IStripeEvent = InferEntity<typeof StripeEvent>;
