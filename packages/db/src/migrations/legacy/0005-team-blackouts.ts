import { sqlMigration } from "../sql-migration.ts";

// Ranges when a team is unavailable.
export const m0005TeamBlackouts = sqlMigration({
  up: [
    `CREATE TABLE team_blackouts (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      team_id uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      reason text,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT team_blackouts_range_check CHECK (ends_at > starts_at)
    )`,
    `CREATE INDEX team_blackouts_team_id_starts_at_idx ON team_blackouts (team_id, starts_at)`,
  ],
  down: [`DROP TABLE team_blackouts`],
});
