import type { EntityManager, MikroORM } from "@mikro-orm/postgresql";

/**
 * An EntityManager for the platform tables only (users, memberships, organizations, refresh tokens, invitations,
 * login attempts), for the steps that come before any org context exists: sign-in, refresh, redeeming an invitation.
 * It carries no org, so the tenant filter makes any read of a business table fail instead of leaking; business data
 * is always reached through `withOrg` / the request context's em.
 */
export function platformEm(orm: MikroORM): EntityManager {
  return orm.em.fork({ clear: true, useContext: false });
}
