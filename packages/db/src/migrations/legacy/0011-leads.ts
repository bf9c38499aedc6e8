import { sqlMigration } from "../sql-migration.ts";

// Prospective clients.
export const m0011Leads = sqlMigration({
  up: [
    `CREATE TABLE leads (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL,
      email text,
      phone text,
      source text NOT NULL DEFAULT 'web' CHECK (source IN ('web', 'phone', 'referral', 'email', 'other')),
      status text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'contacted', 'quoted', 'won', 'lost')),
      referred_by_client_id uuid REFERENCES client_users (id) ON DELETE SET NULL,
      notes text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
  ],
  down: [`DROP TABLE leads`],
});
