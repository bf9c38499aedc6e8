import { p, type InferEntity } from "@mikro-orm/core";
import { defineOrgEntity, orgFk } from "../base/org-scoped.ts";
import { uuidPrimaryKey } from "../base/primary-key.ts";
import { Team } from "./team.ts";

/** Weekly availability of a team, as local wall-clock times in the team's time zone. */
export const TeamWorkingHours = defineOrgEntity({
  name: "TeamWorkingHours",
  tableName: "team_working_hours",
  properties: {
    id: uuidPrimaryKey(),
    team: () => p.manyToOne(Team).ref().foreignKeyName(orgFk("team_working_hours", "team_id")).deleteRule("cascade"),
    // 0 = Sunday … 6 = Saturday. Written as the comparison PostgreSQL stores for `BETWEEN 0 AND 6`.
    weekday: p.smallint().check("weekday >= 0 AND weekday <= 6"),
    // `time` values travel as 'HH:MM:SS' strings: they are wall-clock times, not instants.
    startsAtLocal: p.time().columnType("time"),
    endsAtLocal: p.time().columnType("time"),
    timezone: p.text().default("UTC"),
  },
  checks: [{ name: "team_working_hours_range_check", expression: "ends_at_local > starts_at_local" }],
  uniques: [{ properties: ["team", "weekday", "startsAtLocal"] }],
  indexes: [{ properties: ["orgId"] }],
});

export type ITeamWorkingHours = InferEntity<typeof TeamWorkingHours>;
