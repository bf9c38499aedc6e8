import { sqlMigration } from "../sql-migration.ts";

// What a client owes; the number is unique in the install.
export const m0014Invoices = sqlMigration({
  up: [
    `CREATE TABLE invoices (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      number text NOT NULL CONSTRAINT invoices_number_key UNIQUE,
      client_id uuid NOT NULL REFERENCES client_users (id) ON DELETE RESTRICT,
      booking_id uuid REFERENCES bookings (id) ON DELETE SET NULL,
      status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'issued', 'partially_paid', 'paid', 'void')),
      currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
      subtotal_cents integer NOT NULL DEFAULT 0 CHECK (subtotal_cents >= 0),
      tax_cents integer NOT NULL DEFAULT 0 CHECK (tax_cents >= 0),
      total_cents integer NOT NULL DEFAULT 0 CHECK (total_cents >= 0),
      amount_paid_cents integer NOT NULL DEFAULT 0 CHECK (amount_paid_cents >= 0),
      issued_at timestamptz,
      due_at timestamptz,
      paid_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT invoices_total_check CHECK (total_cents = subtotal_cents + tax_cents)
    )`,
    `CREATE INDEX invoices_client_id_idx ON invoices (client_id)`,
    `CREATE INDEX invoices_booking_id_idx ON invoices (booking_id)`,
  ],
  down: [`DROP TABLE invoices`],
});
