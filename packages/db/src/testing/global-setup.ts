import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import "./provided-context.ts";
import { loadDbConfig } from "../config.ts";
import { createLogger } from "../logger.ts";
import { MigrationRunner } from "../migrations/migrator.ts";
import { APP_ROLE } from "../tenancy/database-roles.ts";
import { LEGACY_HEAD } from "../migrations/registry.ts";
import { TEST_APP_ROLE_PASSWORD } from "./app-role.ts";
import { startEmbeddedPostgres, type EmbeddedServer } from "../postgres/embedded.ts";
import { withDatabaseName } from "../postgres/pool.ts";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

async function admin<T>(serverUrl: string, work: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: withDatabaseName(serverUrl, "postgres") });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Once per test run: a PostgreSQL server (DATABASE_URL's, or a throwaway embedded one) and template databases
 * migrated to the legacy head and to head. Every test file clones its own database from a template.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const config = loadDbConfig();
  const logger = createLogger(config.logLevel === "info" ? "warn" : config.logLevel, "test-db");
  let embedded: EmbeddedServer | undefined;
  let serverUrl: string;
  if (config.databaseUrl) {
    serverUrl = config.databaseUrl;
  } else {
    embedded = await startEmbeddedPostgres({
      dataDir: path.join(os.tmpdir(), `cleanops-test-pg-${process.pid}-${randomBytes(3).toString("hex")}`),
      port: await freePort(),
      persistent: false,
      fast: true,
      logger,
    });
    serverUrl = embedded.url;
  }

  const runId = `${Date.now().toString(36)}${randomBytes(2).toString("hex")}`;
  const templates = { head: `tpl_${runId}_head`, legacy: `tpl_${runId}_legacy`, empty: `tpl_${runId}_empty` };
  await admin(serverUrl, async (c) => {
    for (const name of Object.values(templates)) await c.query(`CREATE DATABASE ${name} TEMPLATE template0`);
  });
  for (const [name, to] of [
    [templates.legacy, LEGACY_HEAD],
    [templates.head, undefined],
  ] as const) {
    const runner = await MigrationRunner.open({
      connectionString: withDatabaseName(serverUrl, name),
      logger,
      lockTimeoutMs: 2_000,
      lockRetries: 3,
      forceDataLoss: false,
    });
    try {
      await runner.up(to);
    } finally {
      await runner.close();
    }
  }

  // 0037 created the app role without a login; tests connect as it to prove what the database itself refuses.
  await admin(serverUrl, (c) => c.query(`ALTER ROLE ${APP_ROLE} LOGIN PASSWORD '${TEST_APP_ROLE_PASSWORD}'`));

  project.provide("pgServerUrl", serverUrl);
  project.provide("pgRunId", runId);
  project.provide("pgTemplates", templates);

  return async () => {
    await admin(serverUrl, async (c) => {
      const dbs = await c.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname LIKE $2`, [
        `tpl\\_${runId}\\_%`,
        `t\\_${runId}\\_%`,
      ]);
      for (const { datname } of dbs.rows) await c.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    });
    await embedded?.stop();
  };
}
