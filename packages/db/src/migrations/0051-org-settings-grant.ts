import { sqlMigration } from "./sql-migration.ts";
import { APP_ROLE } from "../tenancy/database-roles.ts";

/**
 * Org settings from admin-web (PATCH /org/settings): the app role may now change an org's payment terms (0041's
 * column) as well as its name and status. Column-level, as in 0037: slug and the primary key stay out of its reach.
 */
export const m0051OrgSettingsGrant = sqlMigration({
  up: [`GRANT UPDATE (payment_terms_days) ON organizations TO ${APP_ROLE}`],
  down: [`REVOKE UPDATE (payment_terms_days) ON organizations FROM ${APP_ROLE}`],
});
