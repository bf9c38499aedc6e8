import { sqlMigration } from "../sql-migration.ts";

// Recurring cleaning plans of clients.
export const m0023Subscriptions = sqlMigration({
  up: [
    `CREATE TABLE subscriptions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      client_id uuid NOT NULL REFERENCES client_users (id) ON DELETE RESTRICT,
      frequency text NOT NULL CHECK (frequency IN ('weekly', 'biweekly', 'monthly')),
      next_booking_at timestamptz,
      price_cents integer NOT NULL CHECK (price_cents >= 0),
      currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'cancelled')),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
  ],
  down: [`DROP TABLE subscriptions`],
});
