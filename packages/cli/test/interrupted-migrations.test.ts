import { fillLegacyFixture, MIGRATION_NAMES } from "@cleanops/db";
import { createTestDatabase, type TestDatabase } from "@cleanops/db/testing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./cli-run.ts";

const M0035 = "0035_add_org_id_to_core_tables";
const M0036 = "0036_org_scoped_references";
// Several CLI processes per case on a shared 2-core machine: a bound far above what they need, not a guess near it.
const ROOM_MS = 600_000;

/** An operator's session left idle in a transaction after reading `documents`: it holds ACCESS SHARE on it. */
async function idleReader(url: string): Promise<{ pid: number; release(): Promise<void> }> {
  const c = new pg.Client({ connectionString: url, application_name: "operator-psql" });
  await c.connect();
  await c.query("BEGIN");
  await c.query("SELECT count(*) FROM documents");
  const pid = (await c.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]?.pid ?? 0;
  return {
    pid,
    async release() {
      await c.query("ROLLBACK");
      await c.end();
    },
  };
}

describe(
  "interrupted non-transactional migrations, as processes: noticed by db:status, finished or reversed by the next command",
  {
    timeout: ROOM_MS,
  },
  () => {
    let db: TestDatabase;
    let client: pg.Client;
    // A step that waits for a lock gives up at once: the documents step of 0036 fails part-way, in either direction.
    const cli = (...args: string[]) =>
      runCli(args, { DATABASE_URL: db.url, MIGRATION_LOCK_TIMEOUT_MS: "200", MIGRATION_LOCK_RETRIES: "0", LOG_LEVEL: "warn" }).exited;
    const errorLine = (stderr: string) => stderr.split("\n").find((l) => l.startsWith("error: ")) ?? "";
    const legacyFks = async () =>
      (
        await client.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_constraint WHERE contype = 'f' AND conname ~ '^[a-z_]+_fkey$' AND conname !~ '_org_id_'`,
        )
      ).rows[0]?.n;

    beforeAll(async () => {
      db = await createTestDatabase("legacy");
      client = new pg.Client({ connectionString: db.url });
      await client.connect();
      await fillLegacyFixture(client, { bookings: 6, seed: 11 });
      const up = await cli("db:migrate", "--to", "0035");
      expect(up.code, up.stderr).toBe(0);
    }, ROOM_MS);
    afterAll(async () => {
      await client.end();
      await db.drop();
    });

    it("an apply of 0036 stopped part-way by a lock names the blocking session, shows in db:status, and db:rollback reverses it", async () => {
      const holder = await idleReader(db.url);
      const failed = await cli("db:migrate", "--to", "0036");
      await holder.release();
      expect(failed.code).toBe(1);
      expect(errorLine(failed.stderr)).toMatch(
        new RegExp(
          `^error: documents: .*could not get a lock within 200 ms after 1 attempts; blocked by pid ${holder.pid} \\(application "operator-psql", idle in transaction, for \\d+ s`,
        ),
      );

      const status = await cli("db:status");
      expect(status.code, status.stderr).toBe(0);
      expect(status.stdout).toContain(`Applied: 35 (latest ${M0035}`);
      expect(status.stdout).toMatch(new RegExp(`INTERRUPTED: ${M0036} was started \\S+ while being applied and has not finished\\.`));
      // db:verify sees the half-state too, and names it.
      const dirty = await cli("db:verify");
      expect(dirty.code).toBe(1);
      expect(dirty.stderr).toContain(`migrations: ${M0036} was interrupted while being applied`);

      // Before the fix, a rollback here reverted 0035 and left 0036's half: now it reverses 0036, and only that.
      const back = await cli("db:rollback");
      expect(back.code, back.stderr).toBe(0);
      expect(back.stdout).toBe(
        `${M0036} had been interrupted while being applied: reversed it.\nVerified: the schema is exactly that of ${M0035}.\n`,
      );
      expect((await cli("db:status")).stdout).not.toContain("INTERRUPTED");
    });

    it("a rollback of 0036 stopped part-way shows in db:status; db:migrate re-applies it, and db:rollback finishes it", async () => {
      const up = await cli("db:migrate", "--to", "0036");
      expect(up.code, up.stderr).toBe(0);
      const fksAt36 = await legacyFks();

      for (const next of ["db:migrate", "db:rollback"] as const) {
        const holder = await idleReader(db.url);
        const failed = await cli("db:rollback");
        await holder.release();
        expect(failed.code).toBe(1);
        expect(errorLine(failed.stderr)).toMatch(
          new RegExp(`^error: documents: .*blocked by pid ${holder.pid} \\(application "operator-psql"`),
        );
        const status = await cli("db:status");
        expect(status.stdout).toContain(`Applied: 36 (latest ${M0036}`);
        expect(status.stdout).toMatch(new RegExp(`INTERRUPTED: ${M0036} was started \\S+ while being rolled back`));

        const again = await cli(next, ...(next === "db:migrate" ? ["--to", "0036"] : []));
        expect(again.code, again.stderr).toBe(0);
        if (next === "db:migrate") {
          expect(again.stdout).toBe(
            `${M0036} had been interrupted while being rolled back: reversed it.\n` +
              `Nothing to migrate: the database is at the requested version.\nVerified: the schema is exactly that of ${M0036}.\n`,
          );
          expect(await legacyFks()).toBe(fksAt36);
        } else {
          expect(again.stdout).toBe(
            `${M0036} had been interrupted while being rolled back: finished it.\nVerified: the schema is exactly that of ${M0035}.\n`,
          );
        }
      }
    });

    it("a transactional step waiting for a lock says which session blocks it, and goes on once it is gone", async () => {
      expect((await cli("db:migrate", "--to", "0036")).code).toBe(0);
      const holder = new pg.Client({ connectionString: db.url, application_name: "report-job" });
      await holder.connect();
      await holder.query("BEGIN");
      await holder.query("SELECT count(*) FROM bookings");
      const pid = (await holder.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]?.pid;
      const migrate = runCli(["db:migrate", "--to", "0037"], { DATABASE_URL: db.url, LOG_LEVEL: "error" });
      const line = await migrate.waitForLine(/^Waiting: 0037/);
      expect(line).toMatch(
        new RegExp(
          `^Waiting: 0037_row_level_security waits for a lock: blocked by pid ${pid} \\(application "report-job", idle in transaction, for \\d+ s`,
        ),
      );
      await holder.query("ROLLBACK");
      await holder.end();
      const done = await migrate.exited;
      expect(done.code, done.stderr).toBe(0);
      expect(done.stdout).toContain("Verified: the schema is exactly that of 0037_row_level_security.");
      expect((await cli("db:rollback")).code).toBe(0);
    });

    it("db:verify names a composite key dropped by hand", async () => {
      const up = await cli("db:migrate", "--to", "0036");
      expect(up.code, up.stderr).toBe(0);
      await client.query(`ALTER TABLE documents DROP CONSTRAINT documents_org_id_template_id_fkey`);
      await client.query(`ALTER TABLE invoices DROP CONSTRAINT invoices_org_id_client_id_fkey`);
      const verify = await cli("db:verify");
      expect(verify.code).toBe(1);
      expect(errorLine(verify.stderr)).toBe(`error: Schema verification FAILED: 2 difference(s) from the expected shape of ${M0036}:`);
      expect(verify.stderr).toMatch(
        /\n {2}constraints\.documents\.documents_org_id_template_id_fkey: missing \(expected "FOREIGN KEY \(org_id, template_id\)/,
      );
      expect(verify.stderr).toMatch(/\n {2}constraints\.invoices\.invoices_org_id_client_id_fkey: missing/);
      expect(MIGRATION_NAMES).toContain(M0036);
    });
  },
);
