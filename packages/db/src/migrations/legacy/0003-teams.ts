import { sqlMigration } from "../sql-migration.ts";

// Crews of workers; team names are unique in the install.
export const m0003Teams = sqlMigration({
  up: [
    `CREATE TABLE teams (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL CONSTRAINT teams_name_key UNIQUE,
      color text NOT NULL DEFAULT '#3b82f6' CHECK (color ~ '^#[0-9a-fA-F]{6}$'),
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
  ],
  down: [`DROP TABLE teams`],
});
