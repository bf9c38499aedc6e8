import { sqlMigration } from "../sql-migration.ts";

// Outbound emails and their delivery state.
export const m0019EmailEvents = sqlMigration({
  up: [
    `CREATE TABLE email_events (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      booking_id uuid REFERENCES bookings (id) ON DELETE SET NULL,
      invoice_id uuid REFERENCES invoices (id) ON DELETE SET NULL,
      kind text NOT NULL CHECK (kind IN ('booking_confirmed', 'booking_reminder', 'invoice_sent', 'payment_receipt', 'other')),
      to_email text NOT NULL,
      status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'delivered', 'bounced', 'failed')),
      provider_message_id text,
      error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
  ],
  down: [`DROP TABLE email_events`],
});
