import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createTestDatabase, type TestDatabase } from "@cleanops/db/testing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCommand } from "../src/main.ts";
import { seedDemo } from "../src/stack/demo-seed.ts";
import { testContext } from "./cli-test-context.ts";

/** Which pg_dump this machine has, against which server: the suite runs on machines with and without them. */
async function toolsFitServer(url: string): Promise<boolean> {
  const probe = spawnSync("pg_dump", ["--version"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) return false;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const v = await client.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
  await client.end();
  return Number(/(\d+)/.exec(probe.stdout)?.[1]) >= Math.floor(Number(v.rows[0]?.v) / 10_000);
}

describe("db:backup and db:restore", () => {
  let source: TestDatabase;
  let target: TestDatabase;
  let dir: string;

  beforeAll(async () => {
    source = await createTestDatabase("head");
    target = await createTestDatabase("empty");
    dir = await mkdtemp(path.join(os.tmpdir(), "cleanops-backup-"));
    const c = new pg.Client({ connectionString: source.url });
    await c.connect();
    await seedDemo(c);
    await c.end();
  });
  afterAll(async () => {
    await source.drop();
    await target.drop();
  });

  it("backs up, restores into an empty database and verifies every table's rows — or explains which client tools to install", async () => {
    const file = path.join(dir, "demo.dump");
    if (!(await toolsFitServer(source.url))) {
      await expect(runCommand(["db:backup", "--out", file], testContext(source.url))).rejects.toThrow(
        /pg_dump (was not found|\d+ cannot work with a PostgreSQL \d+ server)\. Install the PostgreSQL client tools/,
      );
      return;
    }
    const backup = testContext(source.url);
    await runCommand(["db:backup", "--out", file], backup);
    const manifest = JSON.parse(await readFile(`${file}.manifest.json`, "utf8")) as { tables: Record<string, number> };
    expect(manifest.tables.bookings).toBe(2);
    expect(manifest.tables.memberships).toBe(3);

    const restore = testContext(target.url);
    await runCommand(["db:restore", file], restore);
    expect(restore.output.at(-1)).toMatch(/^Restore verified: \d+ tables and \d+ rows match the backup; 40 migrations applied\.$/);

    // A second restore over a non-empty database needs --clean; a damaged file is refused before anything is touched.
    await expect(runCommand(["db:restore", file], testContext(target.url))).rejects.toThrow(/not empty.*--clean/);
    const damaged = path.join(dir, "damaged.dump");
    await writeFile(damaged, Buffer.concat([await readFile(file), Buffer.from("x")]));
    await writeFile(`${damaged}.manifest.json`, await readFile(`${file}.manifest.json`));
    await expect(runCommand(["db:restore", damaged, "--clean"], testContext(target.url))).rejects.toThrow(
      "does not match its manifest's checksum",
    );
  });

  it("refuses a restore it could not verify", async () => {
    const lonely = path.join(dir, "no-manifest.dump");
    await writeFile(lonely, "not a dump");
    await expect(runCommand(["db:restore", lonely], testContext(target.url))).rejects.toThrow(/No manifest beside the backup/);
    await expect(runCommand(["db:restore", path.join(dir, "missing.dump")], testContext(target.url))).rejects.toThrow(/No backup file at/);
  });
});
