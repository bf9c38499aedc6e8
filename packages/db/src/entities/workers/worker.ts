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
    // A pending invitation to choose a password: the SHA-256 of the link's token, never the token.
    inviteTokenHash: p.text().nullable().hidden(),
    inviteExpiresAt: p.datetime().nullable(),
    createdAt: p.datetime().defaultRaw("now()"),
    updatedAt: p
      .datetime()
      .defaultRaw("now()")
      .onUpdate(() => new Date()),
  },
  uniques: [{ properties: ["orgId", "id"] }, { properties: ["orgId", "email"] }, { properties: ["orgId", "inviteTokenHash"] }],
  checks: [{ name: "workers_invite_check", expression: "(invite_token_hash IS NULL) = (invite_expires_at IS NULL)" }],
  indexes: [{ properties: ["orgId", "createdAt"] }, { properties: ["team"] }],
});

export type IWorker = InferEntity<typeof Worker>;
