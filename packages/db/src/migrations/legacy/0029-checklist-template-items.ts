import { sqlMigration } from "../sql-migration.ts";

// Items of a checklist template.
export const m0029ChecklistTemplateItems = sqlMigration({
  up: [
    `CREATE TABLE checklist_template_items (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      template_id uuid NOT NULL REFERENCES checklist_templates (id) ON DELETE CASCADE,
      label text NOT NULL,
      position integer NOT NULL CHECK (position >= 0),
      required boolean NOT NULL DEFAULT true,
      CONSTRAINT checklist_template_items_template_id_position_key UNIQUE (template_id, position)
    )`,
  ],
  down: [`DROP TABLE checklist_template_items`],
});
