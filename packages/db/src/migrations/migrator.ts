import { MikroORM } from "@mikro-orm/postgresql";
import { Migrator } from "@mikro-orm/migrations";
import type { MigrationContext } from "./migration-context.ts";
import { acquireMigrationLock, type MigrationLockOptions } from "./migration-lock.ts";
import { MIGRATION_NAMES, MIGRATIONS_TABLE, resolveMigrationName } from "./names.ts";
import { MIGRATIONS } from "./registry.ts";

export type MigrationStatus = { applied: { name: string; executedAt: Date }[]; pending: string[] };

/**
 * The MikroORM migrator over our explicit migration list, one migration per transaction (0035 manages its own).
 * `up` and `downOne` hold the database's migration lock for their whole run, so two migrators (or a migrate and a
 * rollback) never interleave; `status` only reads.
 */
export class MigrationRunner {
  readonly #orm: MikroORM;
  readonly #ctx: MigrationContext;
  readonly #lock: MigrationLockOptions;

  private constructor(orm: MikroORM, ctx: MigrationContext, lock: MigrationLockOptions) {
    this.#orm = orm;
    this.#ctx = ctx;
    this.#lock = lock;
    const m = orm.migrator;
    m.on("migrating", (e) => ctx.logger.info({ migration: e.name }, `applying ${e.name}`));
    m.on("migrated", (e) => ctx.logger.info({ migration: e.name }, `applied ${e.name}`));
    m.on("reverting", (e) => ctx.logger.info({ migration: e.name }, `reverting ${e.name}`));
    m.on("reverted", (e) => ctx.logger.info({ migration: e.name }, `reverted ${e.name}`));
  }

  /** By default a run waits for another one to finish, logging that it waits. */
  static async open(ctx: MigrationContext, lock?: MigrationLockOptions): Promise<MigrationRunner> {
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
    return new MigrationRunner(
      orm,
      ctx,
      lock ?? {
        wait: true,
        onWaiting: (pid) => ctx.logger.warn({ holderPid: pid }, "waiting for another migrator to finish"),
      },
    );
  }

  async #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const lock = await acquireMigrationLock(this.#ctx.connectionString, this.#lock);
    try {
      return await work();
    } finally {
      await lock.release();
    }
  }

  /** Applies pending migrations up to and including `to` (an id prefix), or all of them. */
  async up(to?: string): Promise<string[]> {
    const target = to === undefined ? undefined : resolveMigrationName(to);
    // The pending list is read under the lock: a run that waited sees what the other one applied.
    const done = await this.#exclusive(() => this.#orm.migrator.up(target === undefined ? undefined : { to: target }));
    return done.map((d) => d.name);
  }

  /** Reverts the last applied migration only. */
  async downOne(): Promise<string[]> {
    const done = await this.#exclusive(() => this.#orm.migrator.down());
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
