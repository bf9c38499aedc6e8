import { sqlMigration } from "../sql-migration.ts";

// The state of each item in a checklist run.
export const m0031ChecklistRunItems = sqlMigration({
  up: [
    `CREATE TABLE checklist_run_items (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      run_id uuid NOT NULL REFERENCES checklist_runs (id) ON DELETE CASCADE,
      template_item_id uuid NOT NULL REFERENCES checklist_template_items (id) ON DELETE RESTRICT,
      checked boolean NOT NULL DEFAULT false,
      note text,
      checked_at timestamptz,
      CONSTRAINT checklist_run_items_run_id_template_item_id_key UNIQUE (run_id, template_item_id)
    )`,
  ],
  down: [`DROP TABLE checklist_run_items`],
});
