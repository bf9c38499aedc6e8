import { sqlMigration } from "../sql-migration.ts";

// A checklist being filled for a booking.
export const m0030ChecklistRuns = sqlMigration({
  up: [
    `CREATE TABLE checklist_runs (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      template_id uuid NOT NULL REFERENCES checklist_templates (id) ON DELETE RESTRICT,
      booking_id uuid NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
      worker_id uuid REFERENCES workers (id) ON DELETE SET NULL,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'completed')),
      completed_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE INDEX checklist_runs_booking_id_idx ON checklist_runs (booking_id)`,
  ],
  down: [`DROP TABLE checklist_runs`],
});
