/**
 * The database roles of row-level security. Migration 0037 creates them and the runtime (entities, the test harness,
 * the CLI) refers to them: both import these names from here, so running code never imports a migration.
 */

/** The role the three apps log in as: no ownership, no BYPASSRLS, only the grants of migration 0037 and later. */
export const APP_ROLE = "cleanops_app";
/** Members see every org through the `platform_all` policies: the migrating owner, hence migrations and the CLI. */
export const PLATFORM_ROLE = "cleanops_platform";
