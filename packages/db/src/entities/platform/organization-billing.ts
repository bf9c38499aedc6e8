import { defineEntity, p, type InferEntity } from "@mikro-orm/core";
import { PLATFORM_POLICIES } from "../../tenancy/platform-policies.ts";
import { Organization } from "./organization.ts";

/** The SaaS plan of an org (a billing stub for now); one row per org, keyed by the org itself. */
export const OrganizationBilling = defineEntity({
  name: "OrganizationBilling",
  tableName: "organization_billing",
  // Row-level security of 0052 (tenancy/platform-policies.ts).
  policies: [...PLATFORM_POLICIES.organization_billing],
  rowLevelSecurity: "force",
  properties: {
    // The org is the primary key; MikroORM would cascade updates of a key that is a relation, the table does not.
    organization: () => p.oneToOne(Organization).primary().owner().ref().fieldName("org_id").deleteRule("cascade").updateRule("no action"),
    plan: p.enum(["free", "pro", "enterprise"]).default("free"),
    status: p.enum(["active", "trialing", "past_due", "cancelled"]).default("active"),
    seats: p.integer().default(1).check("seats > 0"),
    currentPeriodEnd: p.datetime().nullable(),
    createdAt: p.datetime().defaultRaw("now()"),
    updatedAt: p
      .datetime()
      .defaultRaw("now()")
      .onUpdate(() => new Date()),
  },
});

export type IOrganizationBilling = InferEntity<typeof OrganizationBilling>;
