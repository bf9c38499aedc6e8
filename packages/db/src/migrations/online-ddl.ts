import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
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

/**
 * One dedicated session for DDL on live tables. Every statement waits for its lock at most `lockTimeoutMs`
 * (so it never queues the application behind it for long) and is retried with backoff a bounded number of times.
 */
export class OnlineDdl {
  readonly #client: pg.Client;
  readonly #opts: OnlineDdlOptions;

  private constructor(client: pg.Client, opts: OnlineDdlOptions) {
    this.#client = client;
    this.#opts = opts;
  }

  static async connect(opts: OnlineDdlOptions): Promise<OnlineDdl> {
    const client = new pg.Client({ connectionString: opts.connectionString, application_name: "cleanops-migration" });
    await client.connect();
    await client.query(`SET lock_timeout = ${Math.trunc(opts.lockTimeoutMs)}`);
    await client.query("SET statement_timeout = 0");
    return new OnlineDdl(client, opts);
  }

  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    const res = await this.#client.query<R>(sql, params);
    return res.rows;
  }

  /** Runs the statements in one transaction (or alone, outside any, when `transaction` is false), retrying lock timeouts. */
  async run(label: string, statements: readonly string[], options: { transaction?: boolean; onRetry?: () => Promise<void> } = {}): Promise<void> {
    const inTx = options.transaction ?? true;
    for (let attempt = 0; ; attempt++) {
      try {
        if (inTx) await this.#client.query("BEGIN");
        for (const sql of statements) await this.#client.query(sql);
        if (inTx) await this.#client.query("COMMIT");
        return;
      } catch (err) {
        if (inTx) await this.#client.query("ROLLBACK").catch(() => undefined);
        if (!isLockTimeout(err) || attempt >= this.#opts.lockRetries) {
          const reason = isLockTimeout(err)
            ? `could not get a lock within ${this.#opts.lockTimeoutMs} ms after ${attempt + 1} attempts (another session holds it)`
            : (err as Error).message;
          throw new Error(`${label}: ${reason}`, { cause: err });
        }
        const backoff = Math.min(2_000, 50 * 2 ** Math.min(attempt, 5)) + Math.floor(Math.random() * 50);
        this.#opts.logger.warn({ step: label, attempt: attempt + 1, backoffMs: backoff }, "lock timeout, retrying");
        if (options.onRetry) await options.onRetry();
        await sleep(backoff);
      }
    }
  }

  async close(): Promise<void> {
    await this.#client.end();
  }
}
