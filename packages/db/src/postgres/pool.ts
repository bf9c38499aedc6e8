import pg from "pg";
import type { Logger } from "../logger.ts";

export function createPgPool(connectionString: string, options: { max?: number; applicationName?: string; logger?: Logger } = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    application_name: options.applicationName ?? "cleanops",
    connectionTimeoutMillis: 5_000,
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
