import { MikroORM } from "@mikro-orm/postgresql";
import { Migrator } from "@mikro-orm/migrations";
import type { MigrationContext } from "./migration-context.ts";
import { MIGRATION_NAMES, MIGRATIONS_TABLE, resolveMigrationName } from "./names.ts";
import { MIGRATIONS } from "./registry.ts";

export type MigrationStatus = { applied: { name: string; executedAt: Date }[]; pending: string[] };

/** The MikroORM migrator over our explicit migration list, one migration per transaction (0035 manages its own). */
export class MigrationRunner {
  readonly #orm: MikroORM;

  private constructor(orm: MikroORM, ctx: MigrationContext) {
    this.#orm = orm;
    const m = orm.migrator;
    m.on("migrating", (e) => ctx.logger.info({ migration: e.name }, `applying ${e.name}`));
    m.on("migrated", (e) => ctx.logger.info({ migration: e.name }, `applied ${e.name}`));
    m.on("reverting", (e) => ctx.logger.info({ migration: e.name }, `reverting ${e.name}`));
    m.on("reverted", (e) => ctx.logger.info({ migration: e.name }, `reverted ${e.name}`));
  }

  static async open(ctx: MigrationContext): Promise<MigrationRunner> {
    const orm = await MikroORM.init({
      clientUrl: ctx.connectionString,
      entities: [],
      discovery: { warnWhenNoEntities: false },
      extensions: [Migrator],
      debug: false,
      pool: { min: 0, max: 2 },
      migrations: {
        tableName: MIGRATIONS_TABLE,
        migrationsList: MIGRATIONS.map((m) => ({ name: m.name, class: m.create(ctx) })),
        // A master transaction around the batch would deadlock with 0035's CREATE INDEX CONCURRENTLY.
        allOrNothing: false,
        transactional: true,
        snapshot: false,
        snapshotOnMigrate: false,
        silent: true,
      },
    });
    return new MigrationRunner(orm, ctx);
  }

  /** Applies pending migrations up to and including `to` (an id prefix), or all of them. */
  async up(to?: string): Promise<string[]> {
    const target = to === undefined ? undefined : resolveMigrationName(to);
    const done = await this.#orm.migrator.up(target === undefined ? undefined : { to: target });
    return done.map((d) => d.name);
  }

  /** Reverts the last applied migration only. */
  async downOne(): Promise<string[]> {
    const done = await this.#orm.migrator.down();
    return done.map((d) => d.name);
  }

  async status(): Promise<MigrationStatus> {
    const executed = await this.#orm.migrator.getExecuted();
    const applied = executed.map((e) => ({ name: e.name, executedAt: e.executed_at }));
    const names = new Set(applied.map((a) => a.name));
    return { applied, pending: MIGRATION_NAMES.filter((n) => !names.has(n)) };
  }

  async close(): Promise<void> {
    await this.#orm.close(true);
  }
}
