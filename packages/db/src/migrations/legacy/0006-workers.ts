import { sqlMigration } from "../sql-migration.ts";

// Cleaners who log in to the worker portal; an email identifies one worker in the whole install.
export const m0006Workers = sqlMigration({
  up: [
    `CREATE TABLE workers (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      team_id uuid REFERENCES teams (id) ON DELETE SET NULL,
      name text NOT NULL CHECK (length(btrim(name)) > 0),
      email text NOT NULL CONSTRAINT workers_email_key UNIQUE CHECK (email = lower(email)),
      phone text,
      password_hash text,
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE INDEX workers_team_id_idx ON workers (team_id)`,
  ],
  down: [`DROP TABLE workers`],
});
