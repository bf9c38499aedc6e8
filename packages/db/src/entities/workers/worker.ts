import { p, type InferEntity } from "@mikro-orm/core";
import { defineOrgEntity, orgFk } from "../base/org-scoped.ts";
import { uuidPrimaryKey } from "../base/primary-key.ts";
import { Team } from "../bookings/team.ts";

/** A cleaner who logs in to worker-portal; the email identifies a worker within an org. */
export const Worker = defineOrgEntity({
  name: "Worker",
  tableName: "workers",
  properties: {
    id: uuidPrimaryKey(),
    team: () => p.manyToOne(Team).ref().nullable().foreignKeyName(orgFk("workers", "team_id")).deleteRule("set null"),
    name: p.text().check("length(btrim(name)) > 0"),
    email: p.text().check("email = lower(email)"),
    phone: p.text().nullable(),
    passwordHash: p.text().nullable().hidden(),
    active: p.boolean().default(true),
    createdAt: p.datetime().defaultRaw("now()"),
    updatedAt: p
      .datetime()
      .defaultRaw("now()")
      .onUpdate(() => new Date()),
  },
  uniques: [{ properties: ["orgId", "id"] }, { properties: ["orgId", "email"] }],
  indexes: [{ properties: ["orgId", "createdAt"] }, { properties: ["team"] }],
});

export type IWorker = InferEntity<typeof Worker>;
