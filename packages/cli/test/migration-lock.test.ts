import { createTestDatabase, type TestDatabase } from "@cleanops/db/testing";
import { MIGRATION_LOCK_KEY, MIGRATION_NAMES } from "@cleanops/db";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "./cli-run.ts";

/** A client of the test's own that holds the migration lock, so "another migrator is running" is certain, not timed. */
async function holdMigrationLock(url: string): Promise<{ pid: number; release(): Promise<void> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`SELECT pg_advisory_lock($1::bigint)`, [MIGRATION_LOCK_KEY]);
  const pid = (await client.query<{ pid: number }>(`SELECT pg_backend_pid() AS pid`)).rows[0]?.pid ?? 0;
  return {
    pid,
    async release() {
      await client.end();
    },
  };
}

async function appliedNames(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const r = await client.query<{ name: string }>(`SELECT name FROM mikro_orm_migrations ORDER BY id`);
    return r.rows.map((row) => row.name);
  } finally {
    await client.end();
  }
}

describe("one migrator at a time", () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase("legacy");
  });
  afterEach(async () => {
    await db.drop();
  });

  it("two db:migrate processes at once: the second waits, both exit 0, every migration is applied once", async () => {
    const holder = await holdMigrationLock(db.url);
    let released = false;
    try {
      const a = runCli(["db:migrate"], { DATABASE_URL: db.url });
      const b = runCli(["db:migrate"], { DATABASE_URL: db.url });
      // Both are queued behind the test's lock: each says so, naming the holder's backend.
      const waiting = `Waiting for another migrator (PostgreSQL backend pid ${holder.pid}) to finish ...`;
      expect(await a.waitForLine(/^Waiting for another migrator/)).toBe(waiting);
      expect(await b.waitForLine(/^Waiting for another migrator/)).toBe(waiting);
      await holder.release();
      released = true;
      const [ra, rb] = await Promise.all([a.exited, b.exited]);
      expect([ra.code, rb.code], `${ra.stderr}\n${rb.stderr}`).toEqual([0, 0]);
      const summaries = [ra.stdout, rb.stdout].map((out) => out.split("\n").find((l) => /^(Applied|Nothing)/.test(l))).sort();
      // One applied every pending migration; the other, let in after it, found nothing left to do.
      expect(summaries).toEqual([
        `Applied ${MIGRATION_NAMES.length - 33} migration(s):`,
        "Nothing to migrate: the database is at the requested version.",
      ]);
    } finally {
      if (!released) await holder.release();
    }
    const names = await appliedNames(db.url);
    expect(names).toEqual([...MIGRATION_NAMES]);
    expect(new Set(names).size).toBe(names.length);
  });

  it("a migrate and a rollback at once never interleave", async () => {
    await expect(runCli(["db:migrate"], { DATABASE_URL: db.url }).exited).resolves.toMatchObject({ code: 0 });
    const holder = await holdMigrationLock(db.url);
    const rollback = runCli(["db:rollback"], { DATABASE_URL: db.url });
    await rollback.waitForLine(/^Waiting for another migrator/);
    const migrate = runCli(["db:migrate"], { DATABASE_URL: db.url });
    await migrate.waitForLine(/^Waiting for another migrator/);
    await holder.release();
    const [r, m] = await Promise.all([rollback.exited, migrate.exited]);
    expect([r.code, m.code], `${r.stderr}\n${m.stderr}`).toEqual([0, 0]);
    const names = await appliedNames(db.url);
    expect(new Set(names).size).toBe(names.length);
  });

  it("with --no-wait, exits 1 with one clear line while another migrator holds the lock, and changes nothing", async () => {
    const holder = await holdMigrationLock(db.url);
    try {
      for (const command of [["db:migrate"], ["db:rollback"]]) {
        const r = await runCli([...command, "--no-wait"], { DATABASE_URL: db.url }).exited;
        expect(r.code).toBe(1);
        expect(r.stderr).toBe(
          `error: Another migrator (PostgreSQL backend pid ${holder.pid}) is running on this database; not waiting (--no-wait).\n`,
        );
      }
    } finally {
      await holder.release();
    }
    expect(await appliedNames(db.url)).toHaveLength(33);
    const free = await runCli(["db:migrate", "--to", "0034", "--no-wait"], { DATABASE_URL: db.url }).exited;
    expect(free.code, free.stderr).toBe(0);
    expect(await appliedNames(db.url)).toHaveLength(34);
  });
});
