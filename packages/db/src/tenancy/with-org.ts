import type { MikroORM } from "@mikro-orm/postgresql";
import type { EntityManager } from "@mikro-orm/postgresql";
import { assertOrgId, CURRENT_ORG_SETTING, CURRENT_USER_SETTING, TENANT_FILTER } from "./tenant-filter.ts";
import { TenantError } from "./tenant-errors.ts";

const USER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type OrgTransactionOptions = {
  /**
   * Commit without waiting for the WAL flush (`synchronous_commit = off` for this transaction only, set in the same
   * message as the org): for a write that may be lost in a crash of the database server, such as counting a view of
   * an invoice link. Never for money or anything a user is told was saved. The database stays consistent; at most the
   * last ~0.6 s of such commits (3 × wal_writer_delay) are lost, and none of them waits for an fsync.
   */
  asynchronousCommit?: boolean;
};

/**
 * An EntityManager bound to one org: the tenant filter's parameter is set, and every transaction it opens calls
 * `set_config('app.current_org', <org>, true)` first, so row-level security sees the same org as the filter.
 */
export function orgEntityManager(orm: MikroORM, orgId: string, options: OrgTransactionOptions = {}): EntityManager {
  assertOrgId(orgId);
  const em = orm.em.fork({ clear: true, useContext: false });
  em.setFilterParams(TENANT_FILTER, { orgId });
  const variables: Record<string, string> = { [CURRENT_ORG_SETTING]: orgId };
  if (options.asynchronousCommit) variables.synchronous_commit = "off";
  em.setSessionContext({ variables });
  return em;
}

/** Runs `work` in one transaction scoped to `orgId`; the only way application code reaches tenant data. */
export async function withOrg<T>(
  orm: MikroORM,
  orgId: string,
  work: (em: EntityManager) => Promise<T>,
  options: OrgTransactionOptions = {},
): Promise<T> {
  const em = orgEntityManager(orm, orgId, options);
  return em.transactional((tx) => work(tx));
}

/**
 * An EntityManager acting for one staff user (and, when given, in one org): every transaction it opens sets
 * `app.current_user` (and `app.current_org`) in its BEGIN round trip, so the platform tables' row-level security
 * (0052) shows that user's own rows (their account, memberships, sessions, links) and the org's. Outside a
 * transaction it sees nothing of them: use `withUser`.
 */
export function userEntityManager(orm: MikroORM, userId: string, orgId?: string): EntityManager {
  if (typeof userId !== "string" || !USER_ID.test(userId)) {
    throw new TenantError("tenant_invalid_user", `Not a user id: ${JSON.stringify(userId)}`);
  }
  const em = orm.em.fork({ clear: true, useContext: false });
  const variables: Record<string, string> = { [CURRENT_USER_SETTING]: userId };
  if (orgId !== undefined) {
    assertOrgId(orgId);
    em.setFilterParams(TENANT_FILTER, { orgId });
    variables[CURRENT_ORG_SETTING] = orgId;
  }
  em.setSessionContext({ variables });
  return em;
}

/** Runs `work` in one transaction acting for `userId` (and in `orgId` when given). */
export async function withUser<T>(
  orm: MikroORM,
  scope: { userId: string; orgId?: string },
  work: (em: EntityManager) => Promise<T>,
): Promise<T> {
  const em = userEntityManager(orm, scope.userId, scope.orgId);
  return em.transactional((tx) => work(tx));
}
