import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fillLegacyFixture, LEGACY_HEAD, MIGRATION_NAMES, withDatabaseName } from "@cleanops/db";
import { checksumTables, createTestDatabase, snapshotCatalog, type CatalogSnapshot, type TestDatabase } from "@cleanops/db/testing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./cli-run.ts";

const ROOM_MS = 600_000;

/** Whether this machine's pg_dump can work with the test server (the suite runs on machines with and without it). */
async function toolsFitServer(url: string): Promise<boolean> {
  const probe = spawnSync("pg_dump", ["--version"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) return false;
  const v = await withClient(url, (c) => c.query<{ v: string }>("SELECT current_setting('server_version_num') AS v"));
  return Number(/(\d+)/.exec(probe.stdout)?.[1]) >= Math.floor(Number(v.rows[0]?.v) / 10_000);
}

/** A short-lived session: the restore ends every session of the database it replaces. */
async function withClient<T>(url: string, work: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}

function columnsOf(snap: CatalogSnapshot): Record<string, string[]> {
  return Object.fromEntries(Object.entries(snap.columns).map(([t, cols]) => [t, cols.map((c) => c.name)]));
}

const wholeState = (url: string) =>
  withClient(url, async (client) => {
    const catalog = await snapshotCatalog(client);
    const rows = await checksumTables(client, columnsOf(catalog));
    const migrations = (await client.query<{ name: string }>(`SELECT name FROM mikro_orm_migrations ORDER BY id`)).rows.map((r) => r.name);
    return { catalog, rows, migrations };
  });

describe("db:restore --clean in place: the playbook's rollback plan, as processes", { timeout: ROOM_MS }, () => {
  let db: TestDatabase;
  let dir: string;
  const kept: string[] = [];
  const env = () => ({ DATABASE_URL: db.url, LOG_LEVEL: "warn", MIGRATION_LOCK_TIMEOUT_MS: "200", MIGRATION_LOCK_RETRIES: "0" });
  const cli = (...args: string[]) => runCli(args, env()).exited;

  beforeAll(async () => {
    db = await createTestDatabase("legacy");
    dir = await mkdtemp(path.join(os.tmpdir(), "cleanops-restore-"));
    await withClient(db.url, (c) => fillLegacyFixture(c, { bookings: 4, seed: 8 }));
  }, ROOM_MS);
  afterAll(async () => {
    await withClient(withDatabaseName(db.url, "postgres"), async (c) => {
      for (const name of kept) await c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    });
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it("gives back the legacy database over a head one and over a half-migrated one, keeping each replaced database", async () => {
    const file = path.join(dir, "legacy.dump");
    if (!(await toolsFitServer(db.url))) {
      const refused = await cli("db:backup", "--out", file);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(
        /pg_dump (was not found|\d+ cannot work with a PostgreSQL \d+ server)\. Install the PostgreSQL client tools/,
      );
      return;
    }
    const backup = await cli("db:backup", "--out", file);
    expect(backup.code, backup.stderr).toBe(0);
    const legacy = await wholeState(db.url);

    // Over head: the failed-migration case of the playbook, once the new version is in place.
    const up = await cli("db:migrate");
    expect(up.code, up.stderr).toBe(0);
    const overHead = await cli("db:restore", file, "--clean");
    expect(overHead.code, overHead.stderr).toBe(0);
    const keptLine =
      /^The database as it was before the restore is kept as (\S+); drop it once you are satisfied: DROP DATABASE \1;$/m.exec(
        overHead.stdout,
      );
    expect(keptLine, overHead.stdout).not.toBeNull();
    kept.push(keptLine?.[1] ?? "");
    expect(overHead.stdout).toMatch(/^Restore verified: \d+ tables and \d+ rows match the backup .*; 33 migrations applied\.$/m);
    expect(await wholeState(db.url)).toEqual(legacy);
    const verify = await cli("db:verify");
    expect(verify.stdout).toBe(`Verified: the schema is exactly that of ${LEGACY_HEAD}.\n`);
    // The replaced database is whole and untouched, at head, until the operator drops it.
    const old = await withClient(withDatabaseName(db.url, kept[0] ?? ""), (c) =>
      c.query<{ n: number }>(`SELECT count(*)::int AS n FROM mikro_orm_migrations`),
    );
    expect(old.rows[0]?.n).toBe(MIGRATION_NAMES.length);

    // Over a half-migrated one: 0036 stopped part-way by a session holding a lock, an app session still connected.
    await cli("db:migrate", "--to", "0035");
    const holder = new pg.Client({ connectionString: db.url, application_name: "old-app" });
    await holder.connect();
    holder.on("error", () => undefined);
    await holder.query("BEGIN");
    await holder.query("SELECT count(*) FROM documents");
    const half = await cli("db:migrate", "--to", "0036");
    expect(half.code).toBe(1);
    await holder.query("ROLLBACK");
    expect((await cli("db:status")).stdout).toContain("INTERRUPTED: 0036_org_scoped_references");
    const overHalf = await cli("db:restore", file, "--clean");
    expect(overHalf.code, overHalf.stderr).toBe(0);
    expect(overHalf.stdout).toContain("Ended 1 session(s) still connected to");
    kept.push(/kept as (\S+);/.exec(overHalf.stdout)?.[1] ?? "");
    await holder.end().catch(() => undefined);
    expect(await wholeState(db.url)).toEqual(legacy);
    const status = await cli("db:status");
    expect(status.stdout).not.toContain("INTERRUPTED");
    expect(status.stdout).toContain("Applied: 33");
  });
});
