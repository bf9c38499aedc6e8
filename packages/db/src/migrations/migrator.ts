import { MikroORM } from "@mikro-orm/postgresql";
import pg from "pg";
import { Migrator } from "@mikro-orm/migrations";
import { DataLossRefusedError } from "./data-loss.ts";
import type { MigrationContext } from "./migration-context.ts";
import { acquireMigrationLock, type MigrationLockOptions } from "./migration-lock.ts";
import {
  clearInProgress,
  describeDirection,
  ensureJournal,
  markInProgress,
  readInProgress,
  type Direction,
  type InProgress,
} from "./migration-journal.ts";
import { MIGRATION_NAMES, MIGRATIONS_TABLE, resolveMigrationName } from "./names.ts";
import { describeBlockers, type Blocker } from "./online-ddl.ts";
import { MIGRATIONS } from "./registry.ts";
import type { SqlMigrationClass } from "./sql-migration.ts";

/** An error that carries PostgreSQL's DETAIL (the key or row at fault) in its message, however deep it was wrapped. */
function withPgDetail(err: unknown): unknown {
  let detail: string | undefined;
  for (let e: unknown = err, depth = 0; typeof e === "object" && e !== null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const d = (e as { detail?: unknown }).detail;
    if (typeof d === "string" && d !== "") {
      detail = d;
      break;
    }
  }
  if (!(err instanceof Error) || detail === undefined || err.message.includes(detail)) return err;
  return new Error(`${err.message} — DETAIL: ${detail}`, { cause: err });
}

const MIGRATOR_APPLICATION = "cleanops-migrator";

function isRefusal(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; typeof e === "object" && e !== null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof DataLossRefusedError || (e as { name?: unknown }).name === "DataLossRefusedError") return true;
  }
  return false;
}

export type MigrationStatus = {
  applied: { name: string; executedAt: Date }[];
  pending: string[];
  /** A migration run outside one transaction that was started and has not finished (interrupted, or running now). */
  inProgress: InProgress | undefined;
};

/** What a run did about an interrupted migration it found before doing anything else. */
export type Recovery = { name: string; interrupted: Direction; action: "finished" | "reversed" };

/**
 * The MikroORM migrator over our explicit migration list, one migration per transaction (0035 and 0036 manage their
 * own, and are journaled: see migration-journal.ts). `up` and `downOne` hold the database's migration lock for their
 * whole run, so two migrators (or a migrate and a rollback) never interleave; `status` only reads.
 */
export class MigrationRunner {
  readonly #orm: MikroORM;
  readonly #ctx: MigrationContext;
  readonly #lock: MigrationLockOptions;
  readonly #classes: Map<string, SqlMigrationClass>;
  /** What the last `up` or `downOne` did about an interrupted migration before anything else (undefined: none found). */
  recovered: Recovery | undefined;

  private constructor(orm: MikroORM, ctx: MigrationContext, lock: MigrationLockOptions, classes: Map<string, SqlMigrationClass>) {
    this.#orm = orm;
    this.#ctx = ctx;
    this.#lock = lock;
    this.#classes = classes;
    const m = orm.migrator;
    m.on("migrating", (e) => ctx.logger.info({ migration: e.name }, `applying ${e.name}`));
    m.on("migrated", (e) => ctx.logger.info({ migration: e.name }, `applied ${e.name}`));
    m.on("reverting", (e) => ctx.logger.info({ migration: e.name }, `reverting ${e.name}`));
    m.on("reverted", (e) => ctx.logger.info({ migration: e.name }, `reverted ${e.name}`));
  }

  /** By default a run waits for another one to finish, logging that it waits. */
  static async open(ctx: MigrationContext, lock?: MigrationLockOptions): Promise<MigrationRunner> {
    const classes = new Map(MIGRATIONS.map((m) => [m.name, m.create(ctx)] as const));
    const orm = await MikroORM.init({
      clientUrl: ctx.connectionString,
      entities: [],
      discovery: { warnWhenNoEntities: false },
      extensions: [Migrator],
      debug: false,
      pool: { min: 0, max: 2 },
      // Named, so that a step waiting for a lock can be found in pg_stat_activity and its blocker named.
      driverOptions: { application_name: MIGRATOR_APPLICATION },
      migrations: {
        tableName: MIGRATIONS_TABLE,
        migrationsList: [...classes].map(([name, cls]) => ({ name, class: cls })),
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
      classes,
    );
  }

  // MikroORM's raw queries take `?` placeholders; the journal's SQL is written with $n, always in order.
  readonly #sql = async (sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> =>
    this.#orm.em.getConnection().execute<Record<string, unknown>[]>(sql.replace(/\$\d+/g, "?"), params, "all");

  async #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const lock = await acquireMigrationLock(this.#ctx.connectionString, this.#lock);
    try {
      return await work();
    } finally {
      await lock.release();
    }
  }

  #instance(name: string) {
    const cls = this.#classes.get(name);
    if (!cls) throw new Error(`Unknown migration ${name}`);
    const m = new cls(this.#orm.em.getDriver(), this.#orm.config);
    m.name = name;
    return m;
  }

  /** Migrations that run outside one transaction can stop half-way; only they are journaled. */
  #journaled(name: string): boolean {
    return !this.#instance(name).isTransactional();
  }

  async #executed(): Promise<string[]> {
    return (await this.#orm.migrator.getExecuted()).map((e) => e.name);
  }

  /**
   * Runs one direction of an interrupted migration's body again (every step of 0035/0036 is idempotent) and makes
   * the bookkeeping match: applied after `up`, not applied after `down`, journal row gone.
   */
  async #complete(inProgress: InProgress, direction: Direction): Promise<Recovery> {
    const { name } = inProgress;
    this.#ctx.logger.warn(
      { migration: name, interrupted: inProgress.direction, now: direction },
      `${name} was interrupted while ${describeDirection(inProgress.direction)}; ${direction === inProgress.direction ? "finishing" : "reversing"} it first`,
    );
    await markInProgress(this.#sql, name, direction);
    const m = this.#instance(name);
    if (direction === "up") await m.up();
    else await m.down();
    const applied = (await this.#executed()).includes(name);
    if (direction === "up" && !applied) await this.#sql(`INSERT INTO ${MIGRATIONS_TABLE} (name) VALUES ($1)`, [name]);
    if (direction === "down" && applied) await this.#sql(`DELETE FROM ${MIGRATIONS_TABLE} WHERE name = $1`, [name]);
    await clearInProgress(this.#sql, name);
    return { name, interrupted: inProgress.direction, action: direction === inProgress.direction ? "finished" : "reversed" };
  }

  /**
   * While `work` runs, looks every so often for a migrator session waiting on a lock and reports who blocks it
   * (pid, application, state, for how long): a transactional step waits rather than fails, and the operator must
   * see why it does not move. The online steps (0035, 0036) name their blockers in their own errors.
   */
  async #watchLocks<T>(name: string, work: () => Promise<T>): Promise<T> {
    // The probe is connected once, on first need; closing awaits a connection still under way, so that no socket
    // outlives the step (an open one would keep the command's process alive).
    let probe: Promise<pg.Client> | undefined;
    let last = "";
    const connectProbe = async () => {
      const c = new pg.Client({ connectionString: this.#ctx.connectionString, application_name: "cleanops-migrator-probe" });
      c.on("error", () => undefined);
      await c.connect();
      return c;
    };
    const look = async () => {
      probe ??= connectProbe();
      const client = await probe;
      const r = await client.query<Blocker>(
        `SELECT DISTINCT b.pid, coalesce(b.application_name, '') AS application, coalesce(b.state, '') AS state,
                coalesce(extract(epoch FROM now() - coalesce(b.xact_start, b.query_start))::int, 0) AS seconds, coalesce(b.query, '') AS query
           FROM pg_stat_activity w CROSS JOIN LATERAL unnest(pg_blocking_pids(w.pid)) AS bp(pid)
           JOIN pg_stat_activity b ON b.pid = bp.pid
          WHERE w.datname = current_database() AND w.application_name = $1 ORDER BY 1`,
        [MIGRATOR_APPLICATION],
      );
      const text = r.rows.length > 0 ? `${name} waits for a lock: blocked by ${describeBlockers(r.rows)}` : "";
      if (text !== "" && text.replace(/for \d+ s/g, "") !== last.replace(/for \d+ s/g, "")) {
        this.#ctx.logger.warn({ migration: name, blockers: r.rows.map((b) => b.pid) }, text);
        this.#lock.onBlocked?.(text);
      }
      last = text;
    };
    let running: Promise<void> | undefined;
    const timer = setInterval(
      () => {
        running ??= look()
          .catch(() => undefined)
          .finally(() => {
            running = undefined;
          });
      },
      Math.max(500, this.#ctx.lockTimeoutMs),
    );
    try {
      return await work();
    } finally {
      clearInterval(timer);
      await running;
      const client = await probe?.catch(() => undefined);
      await client?.end().catch(() => undefined);
    }
  }

  async #step(name: string, direction: Direction): Promise<void> {
    const journaled = this.#journaled(name);
    if (journaled) await markInProgress(this.#sql, name, direction);
    try {
      await this.#watchLocks(name, () =>
        direction === "up" ? this.#orm.migrator.up({ migrations: [name] }) : this.#orm.migrator.down({ migrations: [name] }),
      );
    } catch (err) {
      // A refusal comes before any change: the database is whole, nothing is left half-done.
      if (journaled && isRefusal(err)) await clearInProgress(this.#sql, name);
      throw withPgDetail(err);
    }
    if (journaled) await clearInProgress(this.#sql, name);
  }

  /**
   * Applies pending migrations up to and including `to` (an id prefix), or all of them. An interrupted migration is
   * first brought forward (finished, or its interrupted rollback undone) so the database is whole again.
   */
  async up(to?: string): Promise<string[]> {
    const target = to === undefined ? undefined : resolveMigrationName(to);
    // The pending list is read under the lock: a run that waited sees what the other one applied.
    return this.#exclusive(async () => {
      await ensureJournal(this.#sql);
      const interrupted = await readInProgress(this.#sql);
      this.recovered = interrupted ? await this.#complete(interrupted, "up") : undefined;
      const executed = new Set(await this.#executed());
      const last = target === undefined ? MIGRATION_NAMES.length - 1 : MIGRATION_NAMES.indexOf(target);
      // Finishing an interrupted apply is applying it; undoing an interrupted rollback leaves it applied as it was.
      const applied: string[] = this.recovered?.action === "finished" && interrupted ? [interrupted.name] : [];
      for (const name of MIGRATION_NAMES.slice(0, last + 1)) {
        if (executed.has(name)) continue;
        await this.#step(name, "up");
        applied.push(name);
      }
      return applied;
    });
  }

  /**
   * Reverts the last applied migration only. An interrupted migration is reverted instead (whichever direction it
   * was interrupted in), and nothing else: the operator sees the database whole before deciding on the next step.
   */
  async downOne(): Promise<string[]> {
    return this.#exclusive(async () => {
      await ensureJournal(this.#sql);
      const interrupted = await readInProgress(this.#sql);
      this.recovered = undefined;
      if (interrupted) {
        this.recovered = await this.#complete(interrupted, "down");
        // Finishing an interrupted rollback is reverting it; undoing an interrupted apply leaves it unapplied as it was.
        return this.recovered.action === "finished" ? [interrupted.name] : [];
      }
      const last = (await this.#executed()).at(-1);
      if (last === undefined) return [];
      await this.#step(last, "down");
      return [last];
    });
  }

  async status(): Promise<MigrationStatus> {
    const executed = await this.#orm.migrator.getExecuted();
    const applied = executed.map((e) => ({ name: e.name, executedAt: e.executed_at }));
    const names = new Set(applied.map((a) => a.name));
    return { applied, pending: MIGRATION_NAMES.filter((n) => !names.has(n)), inProgress: await readInProgress(this.#sql) };
  }

  async close(): Promise<void> {
    await this.#orm.close(true);
  }
}
