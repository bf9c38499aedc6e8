import { defineConfig, type Options } from "@mikro-orm/postgresql";
import { ALL_ENTITIES } from "../entities/index.ts";
import { MIGRATIONS_TABLE } from "../migrations/names.ts";
import { PgNamingStrategy } from "./naming-strategy.ts";

/**
 * Tables the migrations create that no entity maps, so the schema diff must not drop them: the migrations' own
 * bookkeeping, the webhook idempotency gate (0043: only ever touched by one raw INSERT … ON CONFLICT DO NOTHING, which
 * the ORM cannot express as a single statement) and rate-limiter-flexible's table (0043: the library owns its rows).
 */
export const MIGRATION_BOOKKEEPING_TABLES = [
  "tenancy_migration_state",
  "cleanops_migration_journal",
  "stripe_event_receipts",
  "rate_limits_public_invoices",
] as const;

/**
 * The MikroORM options every app, script and test shares. The schema belongs to the hand-written migrations:
 * MikroORM never creates or changes it, the entities only describe it (the schema test keeps the two equal).
 * `overrides` are applied last; `discovery` and `schemaGenerator` are merged one level deep.
 */
export function ormOptions(clientUrl: string, overrides: Options = {}): Options {
  const { discovery, schemaGenerator, ...rest } = overrides;
  return defineConfig({
    clientUrl,
    entities: [...ALL_ENTITIES],
    namingStrategy: PgNamingStrategy,
    forceUtcTimezone: true,
    debug: false,
    // Connecting must not create a missing database: a wrong URL should fail, not yield an empty schema.
    ensureDatabase: false,
    discovery: {
      warnWhenNoEntities: true,
      checkDuplicateTableNames: true,
      checkDuplicateFieldNames: true,
      // defineEntity classes have no field initialisers to infer defaults from; the defaults are declared.
      inferDefaultValues: false,
      ...discovery,
    },
    migrations: { tableName: MIGRATIONS_TABLE },
    schemaGenerator: {
      skipTables: [...MIGRATION_BOOKKEEPING_TABLES],
      ...schemaGenerator,
    },
    ...rest,
  });
}
