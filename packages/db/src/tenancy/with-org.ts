import type { MikroORM } from "@mikro-orm/postgresql";
import type { EntityManager } from "@mikro-orm/postgresql";
import { assertOrgId, CURRENT_ORG_SETTING, TENANT_FILTER } from "./tenant-filter.ts";

/**
 * An EntityManager bound to one org: the tenant filter's parameter is set, and every transaction it opens calls
 * `set_config('app.current_org', <org>, true)` first, so row-level security sees the same org as the filter.
 */
export function orgEntityManager(orm: MikroORM, orgId: string): EntityManager {
  assertOrgId(orgId);
  const em = orm.em.fork({ clear: true, useContext: false });
  em.setFilterParams(TENANT_FILTER, { orgId });
  em.setSessionContext({ variables: { [CURRENT_ORG_SETTING]: orgId } });
  return em;
}

/** Runs `work` in one transaction scoped to `orgId`; the only way application code reaches tenant data. */
export async function withOrg<T>(orm: MikroORM, orgId: string, work: (em: EntityManager) => Promise<T>): Promise<T> {
  const em = orgEntityManager(orm, orgId);
  return em.transactional((tx) => work(tx));
}
