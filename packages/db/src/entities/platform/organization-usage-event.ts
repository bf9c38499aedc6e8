import { defineEntity, p, type InferEntity } from "@mikro-orm/core";
import { PLATFORM_POLICIES } from "../../tenancy/platform-policies.ts";
import { uuidPrimaryKey } from "../base/primary-key.ts";
import { Organization } from "./organization.ts";

/** Metered usage of an org, for billing. */
export const OrganizationUsageEvent = defineEntity({
  name: "OrganizationUsageEvent",
  tableName: "organization_usage_events",
  // Row-level security of 0052 (tenancy/platform-policies.ts).
  policies: [...PLATFORM_POLICIES.organization_usage_events],
  rowLevelSecurity: "force",
  properties: {
    id: uuidPrimaryKey(),
    organization: () => p.manyToOne(Organization).ref().fieldName("org_id").deleteRule("cascade"),
    kind: p.enum(["booking_created", "invoice_issued", "sms_sent", "email_sent", "worker_seat"]),
    quantity: p.integer().default(1).check("quantity > 0"),
    occurredAt: p.datetime().defaultRaw("now()"),
  },
  indexes: [{ properties: ["organization", "occurredAt"] }],
});

export type IOrganizationUsageEvent = InferEntity<typeof OrganizationUsageEvent>;
