import { sqlMigration } from "../sql-migration.ts";

// Lines of an invoice.
export const m0015InvoiceItems = sqlMigration({
  up: [
    `CREATE TABLE invoice_items (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      invoice_id uuid NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
      description text NOT NULL,
      quantity integer NOT NULL DEFAULT 1 CHECK (quantity > 0),
      unit_price_cents integer NOT NULL CHECK (unit_price_cents >= 0),
      tax_rate_bps integer NOT NULL DEFAULT 0 CHECK (tax_rate_bps BETWEEN 0 AND 10000),
      position integer NOT NULL CHECK (position >= 0),
      CONSTRAINT invoice_items_invoice_id_position_key UNIQUE (invoice_id, position)
    )`,
  ],
  down: [`DROP TABLE invoice_items`],
});
