import type { EntityManager, MikroORM } from "@mikro-orm/postgresql";

/**
 * An EntityManager with no org and no user, for the steps that come before either is known (sign-in, refresh,
 * redeeming an invitation or a link): it sees no row of any table (row-level security, 0037 and 0052) and reaches the
 * platform tables only through 0052's narrow functions (`findAccountByEmail`, `findRefreshTokenOwner`, … of
 * @cleanops/db). What follows runs in `withUser` / `withOrg`, or the request context's em.
 */
export function platformEm(orm: MikroORM): EntityManager {
  return orm.em.fork({ clear: true, useContext: false });
}
