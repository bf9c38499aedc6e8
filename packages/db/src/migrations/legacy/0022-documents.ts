import { sqlMigration } from "../sql-migration.ts";

// Documents rendered for a client or a booking.
export const m0022Documents = sqlMigration({
  up: [
    `CREATE TABLE documents (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      template_id uuid REFERENCES document_templates (id) ON DELETE SET NULL,
      client_id uuid REFERENCES client_users (id) ON DELETE SET NULL,
      booking_id uuid REFERENCES bookings (id) ON DELETE SET NULL,
      title text NOT NULL,
      body text NOT NULL,
      status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'sent', 'signed')),
      signed_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
  ],
  down: [`DROP TABLE documents`],
});
