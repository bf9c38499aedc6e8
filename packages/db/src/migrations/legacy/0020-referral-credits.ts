import { sqlMigration } from "../sql-migration.ts";

// Credit a client earned by referring someone.
export const m0020ReferralCredits = sqlMigration({
  up: [
    `CREATE TABLE referral_credits (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      client_id uuid NOT NULL REFERENCES client_users (id) ON DELETE RESTRICT,
      lead_id uuid REFERENCES leads (id) ON DELETE SET NULL,
      amount_cents integer NOT NULL CHECK (amount_cents > 0),
      currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'granted', 'redeemed')),
      redeemed_invoice_id uuid REFERENCES invoices (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
  ],
  down: [`DROP TABLE referral_credits`],
});
