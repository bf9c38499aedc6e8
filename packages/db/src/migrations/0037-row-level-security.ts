import { sqlMigration } from "./sql-migration.ts";
import { APPEND_ONLY_TABLES, TENANT_TABLES } from "./tenant-tables.ts";

/** The role the three apps log in as: no ownership, no BYPASSRLS, only the grants below. */
export const APP_ROLE = "cleanops_app";
/** Members see every org through the `platform_all` policies: the migrating owner, hence migrations and the CLI. */
export const PLATFORM_ROLE = "cleanops_platform";

const CURRENT_ORG = "nullif(current_setting('app.current_org', true), '')::uuid";
const appendOnly = new Set<string>(APPEND_ONLY_TABLES);
const writable = TENANT_TABLES.map((t) => t.name).filter((t) => !appendOnly.has(t));

// Roles are cluster-wide (shared by every database of the server), so they are created once and never dropped here.
// Exported for db:restore, which needs the same roles before the dump's GRANTs can be replayed.
export const createRoles = `DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${APP_ROLE}') THEN
    CREATE ROLE ${APP_ROLE} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${PLATFORM_ROLE}') THEN
    CREATE ROLE ${PLATFORM_ROLE} NOLOGIN;
  END IF;
  IF NOT pg_has_role(current_user, '${PLATFORM_ROLE}', 'MEMBER') THEN
    EXECUTE format('GRANT ${PLATFORM_ROLE} TO %I', current_user);
  END IF;
END
$$`;

/**
 * The database as the last guard: on every business table a session sees and writes only the rows of the org in
 * `app.current_org` (set per transaction), and nothing at all without it. FORCE applies it to the table owner too.
 */
export const m0037RowLevelSecurity = sqlMigration({
  up: [
    createRoles,
    ...TENANT_TABLES.flatMap((t) => [
      `ALTER TABLE ${t.name} ENABLE ROW LEVEL SECURITY`,
      `ALTER TABLE ${t.name} FORCE ROW LEVEL SECURITY`,
      `CREATE POLICY tenant_isolation ON ${t.name} USING (org_id = ${CURRENT_ORG}) WITH CHECK (org_id = ${CURRENT_ORG})`,
      `CREATE POLICY platform_all ON ${t.name} TO ${PLATFORM_ROLE} USING (true) WITH CHECK (true)`,
    ]),
    `GRANT USAGE ON SCHEMA public TO ${APP_ROLE}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ${writable.join(", ")} TO ${APP_ROLE}`,
    // The ledgers only grow, for the application as much as for anyone.
    `GRANT SELECT, INSERT ON ${APPEND_ONLY_TABLES.join(", ")} TO ${APP_ROLE}`,
    `GRANT SELECT, INSERT ON organizations, organization_billing, organization_usage_events TO ${APP_ROLE}`,
    `GRANT UPDATE (name, status) ON organizations TO ${APP_ROLE}`,
    `GRANT SELECT, INSERT, UPDATE ON users, memberships TO ${APP_ROLE}`,
    `GRANT SELECT ON mikro_orm_migrations TO ${APP_ROLE}`,
  ],
  down: [
    `REVOKE ALL ON mikro_orm_migrations, users, memberships, organizations, organization_billing, organization_usage_events FROM ${APP_ROLE}`,
    `REVOKE ALL ON ${TENANT_TABLES.map((t) => t.name).join(", ")} FROM ${APP_ROLE}`,
    `REVOKE USAGE ON SCHEMA public FROM ${APP_ROLE}`,
    ...TENANT_TABLES.flatMap((t) => [
      `DROP POLICY platform_all ON ${t.name}`,
      `DROP POLICY tenant_isolation ON ${t.name}`,
      `ALTER TABLE ${t.name} NO FORCE ROW LEVEL SECURITY`,
      `ALTER TABLE ${t.name} DISABLE ROW LEVEL SECURITY`,
    ]),
  ],
});
