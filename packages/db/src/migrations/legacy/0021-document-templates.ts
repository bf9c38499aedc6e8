import { sqlMigration } from "../sql-migration.ts";

// Contract, quote and agreement templates, versioned by name.
export const m0021DocumentTemplates = sqlMigration({
  up: [
    `CREATE TABLE document_templates (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('contract', 'quote', 'service_agreement', 'other')),
      body text NOT NULL,
      version integer NOT NULL DEFAULT 1 CHECK (version > 0),
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT document_templates_name_version_key UNIQUE (name, version)
    )`,
  ],
  down: [`DROP TABLE document_templates`],
});
