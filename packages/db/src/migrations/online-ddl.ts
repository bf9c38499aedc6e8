import { setTimeout as sleep } from "node:timers/promises";
import { Migration } from "@mikro-orm/migrations";
import pg from "pg";
import type { MigrationContext } from "./migration-context.ts";
import type { SqlMigrationClass } from "./sql-migration.ts";
import type { Logger } from "../logger.ts";

const LOCK_NOT_AVAILABLE = "55P03";

export type OnlineDdlOptions = {
  connectionString: string;
  lockTimeoutMs: number;
  lockRetries: number;
  logger: Logger;
};

function isLockTimeout(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === LOCK_NOT_AVAILABLE;
}

/** PostgreSQL's message with its DETAIL (the key or row at fault) and the constraint/table it names, on one line. */
export function describePgError(err: unknown): string {
  if (typeof err !== "object" || err === null) return String(err);
  const e = err as { message?: unknown; detail?: unknown; hint?: unknown; constraint?: unknown; table?: unknown };
  const parts = [typeof e.message === "string" ? e.message : "unknown error"];
  if (typeof e.detail === "string" && e.detail !== "") parts.push(`DETAIL: ${e.detail}`);
  if (typeof e.hint === "string" && e.hint !== "") parts.push(`HINT: ${e.hint}`);
  return parts.join(" — ");
}

export type Blocker = { pid: number; application: string; state: string; seconds: number; query: string };

export const describeBlockers = (blockers: readonly Blocker[]) =>
  blockers
    .map(
      (b) =>
        `pid ${b.pid} (application "${b.application}", ${b.state}, for ${b.seconds} s${b.query ? `, last statement: ${b.query.slice(0, 80)}` : ""})`,
    )
    .join("; ");

const BLOCKER_COLUMNS = `a.pid, coalesce(a.application_name, '') AS application, coalesce(a.state, '') AS state,
  coalesce(extract(epoch FROM now() - coalesce(a.xact_start, a.query_start))::int, 0) AS seconds, coalesce(a.query, '') AS query`;

/** Tables a DDL statement locks: the one altered or indexed, and a referenced parent. */
function tablesOf(statements: readonly string[]): string[] {
  const names = new Set<string>();
  for (const sql of statements) {
    for (const m of sql.matchAll(/\b(?:ALTER TABLE|ON|REFERENCES)\s+([a-z_][a-z0-9_]*)/gi)) if (m[1]) names.add(m[1]);
  }
  return [...names];
}

/**
 * One dedicated session for DDL on live tables. Every statement waits for its lock at most `lockTimeoutMs`
 * (so it never queues the application behind it for long) and is retried with backoff a bounded number of times.
 */
export class OnlineDdl {
  readonly #client: pg.Client;
  readonly #opts: OnlineDdlOptions;
  readonly #pid: number;
  /**
   * A second session that looks, while a statement waits for its lock, at who blocks it (pg_blocking_pids). Closing
   * awaits a connection or a look still under way: no socket may outlive the migration (it would keep the process alive).
   */
  #probe: Promise<pg.Client> | undefined;
  #looking: Promise<void> | undefined;

  private constructor(client: pg.Client, opts: OnlineDdlOptions, pid: number) {
    this.#client = client;
    this.#opts = opts;
    this.#pid = pid;
  }

  async #blockers(statements: readonly string[], seen: Blocker[]): Promise<Blocker[]> {
    if (seen.length > 0) return seen;
    // The statement was cancelled before the probe ran: the sessions holding a lock on its tables are the suspects.
    const tables = tablesOf(statements);
    if (tables.length === 0) return [];
    const rows = await this.query<Blocker>(
      `SELECT DISTINCT ${BLOCKER_COLUMNS} FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.granted AND l.locktype = 'relation' AND l.pid <> pg_backend_pid()
          AND l.relation IN (SELECT to_regclass(t) FROM unnest($1::text[]) t) ORDER BY 1`,
      [tables],
    );
    return rows;
  }

  /** Runs `work`; if it still waits after half the lock timeout, records who blocks it. */
  async #watched(work: () => Promise<void>, seen: Blocker[]): Promise<void> {
    const look = async () => {
      try {
        this.#probe ??= (async () => {
          const probe = new pg.Client({ connectionString: this.#opts.connectionString, application_name: "cleanops-migration-probe" });
          probe.on("error", () => undefined);
          await probe.connect();
          return probe;
        })();
        const client = await this.#probe;
        const r = await client.query<Blocker>(
          `SELECT ${BLOCKER_COLUMNS} FROM pg_stat_activity a WHERE a.pid = ANY (pg_blocking_pids($1)) ORDER BY 1`,
          [this.#pid],
        );
        seen.splice(0, seen.length, ...r.rows);
      } catch {
        // Only a diagnostic: the lock timeout itself still fails the step.
      }
    };
    const timer = setTimeout(
      () => {
        this.#looking = look();
      },
      Math.max(10, Math.floor(this.#opts.lockTimeoutMs / 2)),
    );
    try {
      await work();
    } finally {
      clearTimeout(timer);
      await this.#looking;
      this.#looking = undefined;
    }
  }

  static async connect(opts: OnlineDdlOptions): Promise<OnlineDdl> {
    const client = new pg.Client({ connectionString: opts.connectionString, application_name: "cleanops-migration" });
    await client.connect();
    await client.query(`SET lock_timeout = ${Math.trunc(opts.lockTimeoutMs)}`);
    await client.query("SET statement_timeout = 0");
    const pid = (await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]?.pid ?? 0;
    return new OnlineDdl(client, opts, pid);
  }

  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    const res = await this.#client.query<R>(sql, params);
    return res.rows;
  }

  /** Runs the statements in one transaction (or alone, outside any, when `transaction` is false), retrying lock timeouts. */
  async run(
    label: string,
    statements: readonly string[],
    options: { transaction?: boolean; onRetry?: () => Promise<void> } = {},
  ): Promise<void> {
    const inTx = options.transaction ?? true;
    for (let attempt = 0; ; attempt++) {
      const seen: Blocker[] = [];
      try {
        await this.#watched(async () => {
          if (inTx) await this.#client.query("BEGIN");
          for (const sql of statements) await this.#client.query(sql);
          if (inTx) await this.#client.query("COMMIT");
        }, seen);
        return;
      } catch (err) {
        if (inTx) await this.#client.query("ROLLBACK").catch(() => undefined);
        if (!isLockTimeout(err) || attempt >= this.#opts.lockRetries) {
          let reason: string;
          if (isLockTimeout(err)) {
            const blockers = await this.#blockers(statements, seen).catch(() => []);
            reason =
              `could not get a lock within ${this.#opts.lockTimeoutMs} ms after ${attempt + 1} attempts; ` +
              (blockers.length > 0 ? `blocked by ${describeBlockers(blockers)}` : "another session holds it");
          } else {
            reason = describePgError(err);
          }
          throw new Error(`${label}: ${reason}`, { cause: err });
        }
        const backoff = Math.min(2_000, 50 * 2 ** Math.min(attempt, 5)) + Math.floor(Math.random() * 50);
        this.#opts.logger.warn({ step: label, attempt: attempt + 1, backoffMs: backoff }, "lock timeout, retrying");
        if (options.onRetry) await options.onRetry();
        await sleep(backoff);
      }
    }
  }

  async constraintState(table: string, name: string): Promise<"missing" | "not_valid" | "valid"> {
    const rows = await this.query<{ convalidated: boolean }>(
      `SELECT convalidated FROM pg_constraint WHERE conrelid = $1::regclass AND conname = $2`,
      [table, name],
    );
    const r = rows[0];
    if (!r) return "missing";
    return r.convalidated ? "valid" : "not_valid";
  }

  async indexState(name: string): Promise<"missing" | "invalid" | "valid"> {
    const rows = await this.query<{ indisvalid: boolean }>(
      `SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        WHERE c.relname = $1 AND c.relnamespace = current_schema()::regnamespace`,
      [name],
    );
    const r = rows[0];
    if (!r) return "missing";
    return r.indisvalid ? "valid" : "invalid";
  }

  /** CREATE INDEX CONCURRENTLY, idempotent: a valid index is kept, an invalid leftover of a failed build is rebuilt. */
  async ensureIndexConcurrently(table: string, name: string, columns: readonly string[], unique: boolean): Promise<void> {
    const dropIfInvalid = async () => {
      if ((await this.indexState(name)) === "invalid") {
        await this.run(`${table}: drop invalid index ${name}`, [`DROP INDEX CONCURRENTLY IF EXISTS ${name}`], { transaction: false });
      }
    };
    await dropIfInvalid();
    if ((await this.indexState(name)) === "valid") return;
    await this.run(
      `${table}: create index ${name}`,
      [`CREATE ${unique ? "UNIQUE " : ""}INDEX CONCURRENTLY ${name} ON ${table} (${columns.join(", ")})`],
      { transaction: false, onRetry: dropIfInvalid },
    );
  }

  /** A unique constraint backed by an index built concurrently: only the final ADD CONSTRAINT takes a brief lock. */
  async ensureUniqueConstraint(table: string, name: string, columns: readonly string[]): Promise<void> {
    if ((await this.constraintState(table, name)) !== "missing") return;
    await this.ensureIndexConcurrently(table, name, columns, true);
    await this.run(`${table}: unique ${name}`, [`ALTER TABLE ${table} ADD CONSTRAINT ${name} UNIQUE USING INDEX ${name}`]);
  }

  async close(): Promise<void> {
    await this.#looking;
    const probe = await this.#probe?.catch(() => undefined);
    await probe?.end().catch(() => undefined);
    await this.#client.end();
  }
}

type OnlineStep = (ddl: OnlineDdl, ctx: MigrationContext) => Promise<void>;

/**
 * A migration of live tables that runs outside the migrator's transaction (CREATE INDEX CONCURRENTLY cannot run in
 * one) on its own session. Every step must be idempotent: an interrupted run is simply run again.
 */
export function onlineMigration(ctx: MigrationContext, steps: { up: OnlineStep; down: OnlineStep }): SqlMigrationClass {
  const withDdl = async (step: OnlineStep) => {
    const ddl = await OnlineDdl.connect(ctx);
    try {
      await step(ddl, ctx);
    } finally {
      await ddl.close();
    }
  };
  return class extends Migration {
    override isTransactional(): boolean {
      return false;
    }

    override async up(): Promise<void> {
      await withDdl(steps.up);
    }

    override async down(): Promise<void> {
      await withDdl(steps.down);
    }
  };
}
