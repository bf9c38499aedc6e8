import pg from "pg";
import type { Logger } from "../logger.ts";

export type PgPoolOptions = {
  max?: number;
  applicationName?: string;
  logger?: Logger;
  /**
   * Commit without waiting for the WAL flush (`synchronous_commit = off` for every connection of the pool): only for a
   * pool whose writes may be lost in a crash of the database server, never money or anything a user was told is
   * saved. PostgreSQL stays consistent; what is lost is at most the last ~0.6 s of commits (3 × wal_writer_delay).
   * public-invoices' rate-limit counters: one write per link opened, which otherwise waits for an fsync each.
   */
  asynchronousCommit?: boolean;
};

export function createPgPool(connectionString: string, options: PgPoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    application_name: options.applicationName ?? "cleanops",
    connectionTimeoutMillis: 5_000,
    ...(options.asynchronousCommit ? { options: "-c synchronous_commit=off" } : {}),
  });
  // An idle connection dropped by the server emits 'error' on the pool; unhandled, it would kill the process.
  pool.on("error", (err) => options.logger?.warn({ err }, "idle database connection lost"));
  return pool;
}

/** The same server, another database: used for test clones and admin connections. */
export function withDatabaseName(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
