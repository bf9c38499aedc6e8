import { sqlMigration } from "../sql-migration.ts";

// Checklists for kinds of job.
export const m0028ChecklistTemplates = sqlMigration({
  up: [
    `CREATE TABLE checklist_templates (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL CONSTRAINT checklist_templates_name_key UNIQUE,
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
  ],
  down: [`DROP TABLE checklist_templates`],
});
