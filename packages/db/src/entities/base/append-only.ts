import type { TriggerDef } from "@mikro-orm/core";

/**
 * The guard trigger of migration 0032 that makes a table append-only (UPDATE and DELETE raise). The function it runs,
 * `forbid_append_only_change()`, is shared by the tables and owned by the migration, so the trigger is declared as
 * raw DDL, written in the canonical form `pg_get_triggerdef` reports. MikroORM's diff matches such a trigger by name
 * only, so the schema test compares this DDL with the database's itself.
 */
export const appendOnlyTrigger = (table: string): TriggerDef => ({
  name: `${table}_append_only`,
  timing: "before",
  events: ["delete", "update"],
  forEach: "row",
  expression:
    `create trigger ${table}_append_only before delete or update on ${table} ` +
    `for each row execute function forbid_append_only_change()`,
});
