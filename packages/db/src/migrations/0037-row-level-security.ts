import { APP_ROLE, createRolesSql, PLATFORM_ROLE } from "../tenancy/database-roles.ts";
import { sqlMigration } from "./sql-migration.ts";
import { APPEND_ONLY_TABLES, TENANT_TABLES } from "./tenant-tables.ts";

const CURRENT_ORG = "nullif(current_setting('app.current_org', true), '')::uuid";
const appendOnly = new Set<string>(APPEND_ONLY_TABLES);
const writable = TENANT_TABLES.map((t) => t.name).filter((t) => !appendOnly.has(t));

/**
 * The database as the last guard: on every business table a session sees and writes only the rows of the org in
 * `app.current_org` (set per transaction), and nothing at all without it. FORCE applies it to the table owner too.
 */
export const m0037RowLevelSecurity = sqlMigration({
  up: [
    createRolesSql(),
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
