import { defineEntity, p, type InferEntity } from "@mikro-orm/core";
import { PLATFORM_POLICIES } from "../../tenancy/platform-policies.ts";
import { SLUG_PATTERN } from "../../platform/account-rules.ts";
import { uuidPrimaryKey } from "../base/primary-key.ts";
import { Membership } from "./membership.ts";

/** A cleaning company: the tenant. Its primary key column is named `org_id` (not `id`) everywhere it appears. */
export const Organization = defineEntity({
  name: "Organization",
  tableName: "organizations",
  // Row-level security of 0052 (tenancy/platform-policies.ts).
  policies: [...PLATFORM_POLICIES.organizations],
  rowLevelSecurity: "force",
  properties: {
    orgId: uuidPrimaryKey(),
    name: p.text().check("length(btrim(name)) > 0"),
    slug: p.text().unique().check(`slug ~ '${SLUG_PATTERN.source}'`),
    status: p.enum(["active", "suspended"]).default("active"),
    createdAt: p.datetime().defaultRaw("now()"),
    /** Days from issuing an invoice to its due date (0041). */
    paymentTermsDays: p.integer().default(14).check("payment_terms_days >= 0 AND payment_terms_days <= 365"),
    memberships: () => p.oneToMany(Membership).mappedBy("organization"),
  },
});

export type IOrganization = InferEntity<typeof Organization>;
