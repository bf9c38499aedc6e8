import { p, type InferEntity } from "@mikro-orm/core";
import { defineOrgEntity } from "../base/org-scoped.ts";
import { uuidPrimaryKey } from "../base/primary-key.ts";
import { Worker } from "../workers/worker.ts";
import { TeamBlackout } from "./team-blackout.ts";
import { TeamWorkingHours } from "./team-working-hours.ts";

/** A crew of workers; a booking is dispatched to a team. */
export const Team = defineOrgEntity({
  name: "Team",
  tableName: "teams",
  properties: {
    id: uuidPrimaryKey(),
    name: p.text(),
    color: p.text().default("#3b82f6").check("color ~ '^#[0-9a-fA-F]{6}$'"),
    active: p.boolean().default(true),
    createdAt: p.datetime().defaultRaw("now()"),
    updatedAt: p
      .datetime()
      .defaultRaw("now()")
      .onUpdate(() => new Date()),
    workingHours: () => p.oneToMany(TeamWorkingHours).mappedBy("team"),
    blackouts: () => p.oneToMany(TeamBlackout).mappedBy("team"),
    workers: () => p.oneToMany(Worker).mappedBy("team"),
  },
  // (org_id, id): the key the org-scoped foreign keys of 0036 reference.
  uniques: [{ properties: ["orgId", "id"] }, { properties: ["orgId", "name"] }],
  indexes: [{ properties: ["orgId", "createdAt"] }],
});

export type ITeam = InferEntity<typeof Team>;
