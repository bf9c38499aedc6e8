import { MIGRATIONS } from "./registry.ts";

export const MIGRATIONS_TABLE = "mikro_orm_migrations";
export const MIGRATION_NAMES: readonly string[] = MIGRATIONS.map((m) => m.name);

/** Resolves an id prefix such as `0033` to the one migration it names. */
export function resolveMigrationName(prefix: string): string {
  const matches = MIGRATION_NAMES.filter((n) => n === prefix || n.startsWith(prefix));
  if (matches.length === 1 && matches[0] !== undefined) return matches[0];
  if (matches.length === 0) throw new Error(`No migration matches "${prefix}" (known: ${MIGRATION_NAMES[0]} … ${MIGRATION_NAMES.at(-1)})`);
  throw new Error(`"${prefix}" matches several migrations: ${matches.join(", ")}`);
}
