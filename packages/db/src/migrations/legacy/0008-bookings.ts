import { sqlMigration } from "../sql-migration.ts";

// A cleaning job (an order) for a client.
export const m0008Bookings = sqlMigration({
  up: [
    `CREATE TABLE bookings (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      client_id uuid NOT NULL REFERENCES client_users (id) ON DELETE RESTRICT,
      team_id uuid REFERENCES teams (id) ON DELETE SET NULL,
      status text NOT NULL DEFAULT 'requested' CHECK (status IN ('requested', 'confirmed', 'in_progress', 'completed', 'cancelled')),
      starts_at timestamptz NOT NULL,
      duration_minutes integer NOT NULL CHECK (duration_minutes > 0),
      address text NOT NULL,
      price_cents integer NOT NULL CHECK (price_cents >= 0),
      currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
      notes text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE INDEX bookings_client_id_idx ON bookings (client_id)`,
    `CREATE INDEX bookings_team_id_starts_at_idx ON bookings (team_id, starts_at)`,
  ],
  down: [`DROP TABLE bookings`],
});
