/**
 * The database roles of row-level security. Migration 0037 creates them and the runtime (entities, the test harness,
 * the CLI) refers to them: both import these names from here, so running code never imports a migration.
 */

/** The role the three apps log in as: no ownership, no BYPASSRLS, only the grants of migration 0037 and later. */
export const APP_ROLE = "cleanops_app";
/** Members see every org through the `platform_all` policies: the migrating owner, hence migrations and the CLI. */
export const PLATFORM_ROLE = "cleanops_platform";

/** Key of the transaction-level advisory lock around role creation (fixed; used for nothing else). */
export const ROLE_CREATION_LOCK_KEY = 7_316_024_037;

/**
 * Roles are cluster-wide (shared by every database of the server), so they are created once and never dropped here.
 * Several migrators may run this at once on one fresh server (e.g. each package's test setup): check-then-create
 * would race and fail on pg_authid's unique key. The advisory lock serializes runs on one database; it cannot span
 * databases (advisory locks are per database), so a role that appeared meanwhile (duplicate_object 42710, or
 * unique_violation 23505 when the other creator committed while this one waited) counts as created.
 */
export function createRolesSql(roles: { app: string; platform: string } = { app: APP_ROLE, platform: PLATFORM_ROLE }): string {
  return `DO $$
BEGIN
  PERFORM pg_advisory_xact_lock(${ROLE_CREATION_LOCK_KEY});
  BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${roles.app}') THEN
      CREATE ROLE ${roles.app} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
    END IF;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
  END;
  BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${roles.platform}') THEN
      CREATE ROLE ${roles.platform} NOLOGIN;
    END IF;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
  END;
  BEGIN
    IF NOT pg_has_role(current_user, '${roles.platform}', 'MEMBER') THEN
      EXECUTE format('GRANT ${roles.platform} TO %I', current_user);
    END IF;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
  END;
END
$$`;
}
