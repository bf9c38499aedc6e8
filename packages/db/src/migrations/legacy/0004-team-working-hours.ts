import { sqlMigration } from "../sql-migration.ts";

// Weekly availability of a team, in the team's local time zone.
export const m0004TeamWorkingHours = sqlMigration({
  up: [
    `CREATE TABLE team_working_hours (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      team_id uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
      weekday smallint NOT NULL CHECK (weekday BETWEEN 0 AND 6),
      starts_at_local time NOT NULL,
      ends_at_local time NOT NULL,
      timezone text NOT NULL DEFAULT 'UTC',
      CONSTRAINT team_working_hours_range_check CHECK (ends_at_local > starts_at_local),
      CONSTRAINT team_working_hours_team_id_weekday_starts_at_local_key UNIQUE (team_id, weekday, starts_at_local)
    )`,
  ],
  down: [`DROP TABLE team_working_hours`],
});
