import { sqlMigration } from "../sql-migration.ts";

// Every Stripe webhook event received, recorded once.
export const m0018StripeEvents = sqlMigration({
  up: [
    `CREATE TABLE stripe_events (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      stripe_event_id text NOT NULL CONSTRAINT stripe_events_stripe_event_id_key UNIQUE,
      type text NOT NULL,
      payload jsonb NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now(),
      processed_at timestamptz,
      error text
    )`,
  ],
  down: [`DROP TABLE stripe_events`],
});
