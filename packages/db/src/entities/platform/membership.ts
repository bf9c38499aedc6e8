import { STAFF_ROLES } from "@cleanops/auth";
import { defineEntity, p, type InferEntity } from "@mikro-orm/core";
import { PLATFORM_POLICIES } from "../../tenancy/platform-policies.ts";
import { uuidPrimaryKey } from "../base/primary-key.ts";
import { Organization } from "./organization.ts";
import { User } from "./user.ts";

/** The staff roles of @cleanops/auth: one list for tokens, the platform operations and the entities. */
export const MEMBERSHIP_ROLES = STAFF_ROLES;

/**
 * A user's role in one org. A platform table: the org is the relation `organization`, not a tenant `orgId`, so
 * tenant scoping (which keys on `orgId`) leaves memberships to the platform code that manages them.
 */
export const Membership = defineEntity({
  name: "Membership",
  tableName: "memberships",
  // Row-level security of 0052 (tenancy/platform-policies.ts).
  policies: [...PLATFORM_POLICIES.memberships],
  rowLevelSecurity: "force",
  properties: {
    id: uuidPrimaryKey(),
    organization: () => p.manyToOne(Organization).ref().fieldName("org_id").deleteRule("restrict"),
    user: () => p.manyToOne(User).ref().deleteRule("cascade"),
    role: p.enum(MEMBERSHIP_ROLES),
    createdAt: p.datetime().defaultRaw("now()"),
    updatedAt: p
      .datetime()
      .defaultRaw("now()")
      .onUpdate(() => new Date()),
    revokedAt: p.datetime().nullable(),
  },
  uniques: [{ properties: ["organization", "user"] }],
  indexes: [{ properties: ["user"] }],
});

export type IMembership = InferEntity<typeof Membership>;
