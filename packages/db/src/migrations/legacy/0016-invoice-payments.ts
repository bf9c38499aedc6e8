import { sqlMigration } from "../sql-migration.ts";

// Money received against an invoice; a provider's payment id is recorded once.
export const m0016InvoicePayments = sqlMigration({
  up: [
    `CREATE TABLE invoice_payments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      invoice_id uuid NOT NULL REFERENCES invoices (id) ON DELETE RESTRICT,
      amount_cents integer NOT NULL CHECK (amount_cents > 0),
      currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
      method text NOT NULL CHECK (method IN ('card', 'cash', 'bank_transfer', 'credit')),
      provider text,
      provider_payment_id text CONSTRAINT invoice_payments_provider_payment_id_key UNIQUE,
      received_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE INDEX invoice_payments_invoice_id_idx ON invoice_payments (invoice_id)`,
  ],
  down: [`DROP TABLE invoice_payments`],
});
