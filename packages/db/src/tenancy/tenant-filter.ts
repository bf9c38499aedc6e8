import type { EntityName, FilterDef } from "@mikro-orm/core";
import { TenantError } from "./tenant-errors.ts";

export const TENANT_FILTER = "tenant";
/** The transaction-local setting the row-level security policies of 0037 compare org_id with. */
export const CURRENT_ORG_SETTING = "app.current_org";
/** The staff user a transaction acts for: the platform tables' row-level security (0052) compares user ids with it. */
export const CURRENT_USER_SETTING = "app.current_user";

const ORG_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function assertOrgId(orgId: unknown): asserts orgId is string {
  if (typeof orgId !== "string" || !ORG_ID.test(orgId)) {
    throw new TenantError("tenant_invalid_org", `Not an org id: ${JSON.stringify(orgId)}`);
  }
}

/**
 * Every read of a business entity gets `org_id = <org>`. On by default and with no default argument: a query made
 * without `withOrg` has no org to filter by and MikroORM refuses it, so nothing is read unscoped by accident.
 */
export function tenantFilter(entities: EntityName[]): FilterDef {
  return {
    name: TENANT_FILTER,
    default: true,
    entity: entities,
    cond: (args: Record<string, unknown>) => {
      assertOrgId(args.orgId);
      return { orgId: args.orgId };
    },
  };
}
