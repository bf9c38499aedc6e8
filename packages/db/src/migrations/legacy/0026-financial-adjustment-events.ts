import { sqlMigration } from "../sql-migration.ts";

// Append-only ledger of refunds, credits, write-offs and chargebacks.
export const m0026FinancialAdjustmentEvents = sqlMigration({
  up: [
    `CREATE TABLE financial_adjustment_events (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      invoice_id uuid NOT NULL REFERENCES invoices (id) ON DELETE RESTRICT,
      dispute_id uuid REFERENCES disputes (id) ON DELETE RESTRICT,
      kind text NOT NULL CHECK (kind IN ('refund', 'credit', 'write_off', 'chargeback')),
      amount_cents integer NOT NULL CHECK (amount_cents > 0),
      currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
      actor_user_id uuid,
      note text,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
  ],
  down: [`DROP TABLE financial_adjustment_events`],
});
