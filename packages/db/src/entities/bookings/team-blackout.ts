import { p, type InferEntity } from "@mikro-orm/core";
import { defineOrgEntity, orgFk } from "../base/org-scoped.ts";
import { uuidPrimaryKey } from "../base/primary-key.ts";
import { Team } from "./team.ts";

/** A range during which a team takes no bookings. */
export const TeamBlackout = defineOrgEntity({
  name: "TeamBlackout",
  tableName: "team_blackouts",
  properties: {
    id: uuidPrimaryKey(),
    team: () => p.manyToOne(Team).ref().foreignKeyName(orgFk("team_blackouts", "team_id")).deleteRule("cascade"),
    startsAt: p.datetime(),
    endsAt: p.datetime(),
    reason: p.text().nullable(),
    createdAt: p.datetime().defaultRaw("now()"),
  },
  checks: [{ name: "team_blackouts_range_check", expression: "ends_at > starts_at" }],
  indexes: [{ properties: ["orgId", "createdAt"] }, { properties: ["team", "startsAt"] }],
});

export type ITeamBlackout = InferEntity<typeof TeamBlackout>;
