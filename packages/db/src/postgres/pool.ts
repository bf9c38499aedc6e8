import pg from "pg";

// Timestamps stay strings-free: timestamptz parses to Date, bigint (int8) to number only when safe.
export function createPgPool(connectionString: string, options: { max?: number; applicationName?: string } = {}): pg.Pool {
  return new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    application_name: options.applicationName ?? "cleanops",
    connectionTimeoutMillis: 5_000,
  });
}

/** The same server, another database: used for test clones and admin connections. */
export function withDatabaseName(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
