import pg from "pg";
import type { DbConfig } from "../config.ts";
import type { Logger } from "../logger.ts";
import { startEmbeddedPostgres } from "./embedded.ts";
import { withDatabaseName } from "./pool.ts";

export const EMBEDDED_DATABASE = "cleanops";

export type DatabaseHandle = {
  /** Connection string of the application database (owner role). */
  url: string;
  embedded: boolean;
  release(): Promise<void>;
};

/** DATABASE_URL when set; otherwise the embedded cluster in the git-ignored data folder, started for the caller. */
export async function acquireDatabase(config: DbConfig, logger: Logger): Promise<DatabaseHandle> {
  if (config.databaseUrl) {
    return { url: config.databaseUrl, embedded: false, release: () => Promise.resolve() };
  }
  const server = await startEmbeddedPostgres({
    dataDir: config.embedded.dataDir,
    port: config.embedded.port,
    persistent: true,
    logger,
  });
  try {
    await ensureDatabase(server.url, EMBEDDED_DATABASE);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return { url: withDatabaseName(server.url, EMBEDDED_DATABASE), embedded: true, release: () => server.stop() };
}

export async function ensureDatabase(serverUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: withDatabaseName(serverUrl, "postgres") });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}

/** Turns driver errors into one line an operator can act on. */
export function describeConnectionError(err: unknown, url: string): string | undefined {
  const code = typeof err === "object" && err !== null ? (err as { code?: unknown }).code : undefined;
  let where = url;
  try {
    const u = new URL(url);
    where = `${u.hostname}:${u.port || "5432"}${u.pathname}`;
  } catch {
    // keep the raw string
  }
  switch (code) {
    case "ECONNREFUSED":
      return `Cannot reach PostgreSQL at ${where}: connection refused. Is the server running? Check DATABASE_URL.`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `Cannot resolve the database host in ${where}. Check DATABASE_URL.`;
    case "ETIMEDOUT":
      return `Timed out connecting to PostgreSQL at ${where}.`;
    case "3D000":
      return `Database does not exist: ${where}.`;
    case "28P01":
    case "28000":
      return `PostgreSQL refused the credentials for ${where}.`;
    default:
      return undefined;
  }
}
