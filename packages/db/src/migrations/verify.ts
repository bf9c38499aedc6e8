import { createHash, randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { createLogger, type Logger } from "../logger.ts";
import { describeDifferences, snapshotCatalog, type CatalogSnapshot } from "../postgres/catalog.ts";
import { withDatabaseName } from "../postgres/pool.ts";
import { readInProgress, pgSql, describeDirection, type InProgress } from "./migration-journal.ts";
import { MigrationRunner } from "./migrator.ts";
import { MIGRATION_NAMES, MIGRATIONS_TABLE } from "./names.ts";

/** The catalog as snapshotCatalog reads it, plus what a half-finished online step leaves: invalid indexes. */
export type VerifyShape = CatalogSnapshot & { invalidIndexes: string[] };

export type VerifyResult = {
  /** The last applied migration (undefined: none). */
  version: string | undefined;
  inProgress: InProgress | undefined;
  /** One line per difference from the expected shape of `version`; empty when the schema is exactly that. */
  differences: string[];
};

async function shapeOf(client: pg.ClientBase): Promise<VerifyShape> {
  const snap = await snapshotCatalog(client);
  const invalid = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
      WHERE NOT i.indisvalid ORDER BY 1`,
  );
  return { ...snap, invalidIndexes: invalid.rows.map((r) => r.name) };
}

const srcRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

let codeHash: Promise<string> | undefined;
/** A digest of this package's source: the expected shape is whatever this code builds, so the cache follows the code. */
function sourceDigest(): Promise<string> {
  codeHash ??= (async () => {
    const hash = createHash("sha256");
    const files = (await readdir(srcRoot, { recursive: true })).filter((f) => f.endsWith(".ts")).sort();
    for (const f of files) {
      hash.update(f);
      hash.update(await readFile(path.join(srcRoot, f)));
    }
    return hash.digest("hex").slice(0, 24);
  })();
  return codeHash;
}

/**
 * The exact shape `version` has when this code migrates an empty database to it: built on a scratch database of the
 * same server (so no snapshot per version is committed, and a new migration needs nothing here), then cached on disk
 * under a key of the code, the server's version and the migration.
 */
export async function expectedShape(connectionString: string, version: string | undefined, logger: Logger): Promise<VerifyShape> {
  const admin = new pg.Client({ connectionString, application_name: "cleanops-verify" });
  await admin.connect();
  let serverVersion: string;
  try {
    serverVersion = (await admin.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`)).rows[0]?.v ?? "0";
  } finally {
    await admin.end();
  }
  const dir = path.join(os.tmpdir(), "cleanops-expected-shapes");
  const file = path.join(dir, `${await sourceDigest()}-${serverVersion}-${version ?? "empty"}.json`);
  try {
    return JSON.parse(await readFile(file, "utf8")) as VerifyShape;
  } catch {
    // Not cached yet: built below.
  }
  const scratchName = `cleanops_verify_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const scratchUrl = withDatabaseName(connectionString, scratchName);
  const server = new pg.Client({ connectionString: withDatabaseName(connectionString, "postgres"), application_name: "cleanops-verify" });
  await server.connect();
  try {
    await server.query(`CREATE DATABASE ${scratchName} TEMPLATE template0`);
    let shape: VerifyShape;
    try {
      if (version !== undefined) {
        const runner = await MigrationRunner.open({
          connectionString: scratchUrl,
          logger: createLogger("silent"),
          lockTimeoutMs: 5_000,
          lockRetries: 3,
          forceDataLoss: false,
        });
        try {
          await runner.up(version);
        } finally {
          await runner.close();
        }
      }
      const c = new pg.Client({ connectionString: scratchUrl });
      await c.connect();
      try {
        shape = await shapeOf(c);
      } finally {
        await c.end();
      }
    } finally {
      await server.query(`DROP DATABASE IF EXISTS ${scratchName} WITH (FORCE)`);
    }
    await mkdir(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.${randomBytes(3).toString("hex")}`;
    await writeFile(tmp, JSON.stringify(shape));
    await rename(tmp, file);
    logger.debug({ version, file }, "expected schema shape built");
    return shape;
  } finally {
    await server.end();
  }
}

/**
 * Compares the live catalog (columns, constraints with their validated flag, indexes with their valid flag, triggers,
 * policies, row security, grants, functions) with the exact shape of the applied version, naming every difference.
 */
export async function verifySchema(connectionString: string, logger: Logger): Promise<VerifyResult> {
  const client = new pg.Client({ connectionString, application_name: "cleanops-verify" });
  await client.connect();
  let applied: string[];
  let live: VerifyShape;
  let inProgress: InProgress | undefined;
  try {
    const hasTable = (await client.query<{ ok: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS ok`, [MIGRATIONS_TABLE])).rows[0]?.ok;
    applied = hasTable
      ? (await client.query<{ name: string }>(`SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY id`)).rows.map((r) => r.name)
      : [];
    live = await shapeOf(client);
    inProgress = await readInProgress(pgSql(client));
  } finally {
    await client.end();
  }
  const version = applied.at(-1);
  const problems: string[] = [];
  const expectedOrder = MIGRATION_NAMES.slice(0, applied.length);
  if (applied.join(",") !== expectedOrder.join(",")) {
    const unknown = applied.filter((n) => !MIGRATION_NAMES.includes(n));
    problems.push(
      unknown.length > 0
        ? `migrations: applied ${unknown.join(", ")}, unknown to this code (is it older than the database?)`
        : `migrations: the applied list is not the first ${applied.length} migrations in order`,
    );
    return { version, inProgress, differences: problems };
  }
  if (inProgress) problems.push(`migrations: ${inProgress.name} was interrupted while ${describeDirection(inProgress.direction)}`);
  const expected = await expectedShape(connectionString, version, logger);
  return { version, inProgress, differences: [...problems, ...describeDifferences(expected, live)] };
}
