import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { APP_ROLE, MIGRATION_NAMES } from "@cleanops/db";
import { asAppRole, createTestDatabase, type TestDatabase } from "@cleanops/db/testing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyRestore, type BackupManifest } from "../src/commands/backup-commands.ts";
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

const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));

/** The CLI as the operator runs it: a separate process with only PATH and DATABASE_URL. */
async function cli(args: string[], databaseUrl: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [main, ...args], {
    env: { PATH: process.env.PATH ?? "", DATABASE_URL: databaseUrl },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  return { code, stdout, stderr };
}

async function withClient<T>(url: string, work: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}

type Manifest = BackupManifest;

describe("db:backup and db:restore", () => {
  let source: TestDatabase;
  let target: TestDatabase;
  let dir: string;

  beforeAll(async () => {
    source = await createTestDatabase("head");
    target = await createTestDatabase("empty");
    dir = await mkdtemp(path.join(os.tmpdir(), "cleanops-backup-"));
    await withClient(source.url, (c) => seedDemo(c));
  });
  afterAll(async () => {
    await source.drop();
    await target.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it("backs up and restores the same database (rows, catalog, privileges), as processes — or explains which client tools to install", async () => {
    const file = path.join(dir, "demo.dump");
    if (!(await toolsFitServer(source.url))) {
      const refused = await cli(["db:backup", "--out", file], source.url);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(
        /pg_dump (was not found|\d+ cannot work with a PostgreSQL \d+ server)\. Install the PostgreSQL client tools/,
      );
      return;
    }
    const backup = await cli(["db:backup", "--out", file], source.url);
    expect(backup.stderr).toBe("");
    expect(backup.code).toBe(0);
    const manifest = JSON.parse(await readFile(`${file}.manifest.json`, "utf8")) as Manifest;
    expect(manifest.tables.bookings).toEqual({ rows: 2, checksum: expect.stringMatching(/^[0-9a-f]{32}$/) as unknown });
    expect(manifest.tables.memberships?.rows).toBe(3);

    const restore = await cli(["db:restore", file], target.url);
    expect(restore.stderr).toBe("");
    expect(restore.code).toBe(0);
    expect(restore.stdout.trim().split("\n").at(-1)).toMatch(
      new RegExp(
        `^Restore verified: \\d+ tables and \\d+ rows match the backup \\(row checksums, catalog and privileges\\); ${MIGRATION_NAMES.length} migrations applied\\.$`,
      ),
    );

    // The apps' role works on the restored database: with an org set it reads that org's rows.
    const [org] = await withClient(
      target.url,
      async (c) => (await c.query<{ org_id: string }>(`SELECT org_id FROM bookings LIMIT 1`)).rows,
    );
    expect(org).toBeDefined();
    const seen = await withClient(asAppRole(target.url), async (c) => {
      await c.query("BEGIN");
      await c.query(`SELECT set_config('app.current_org', $1, true)`, [org?.org_id]);
      const r = await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM bookings WHERE org_id = $1`, [org?.org_id]);
      await c.query("COMMIT");
      return r.rows[0]?.n;
    });
    expect(seen).toBeGreaterThan(0);
    // ... and the REVOKE FROM PUBLIC of the token lookup came back with the GRANT to the app role.
    const privileges = await withClient(target.url, async (c) => {
      const r = await c.query<{ public_can: boolean; app_can: boolean }>(
        `SELECT has_function_privilege('public', 'resolve_invoice_public_token(text)', 'EXECUTE') AS public_can,
                has_function_privilege('${APP_ROLE}', 'resolve_invoice_public_token(text)', 'EXECUTE') AS app_can`,
      );
      return r.rows[0];
    });
    expect(privileges).toEqual({ public_can: false, app_can: true });

    // A second restore over a non-empty database needs --clean; a damaged file is refused before anything is touched.
    await expect(runCommand(["db:restore", file], testContext(target.url))).rejects.toThrow(/not empty.*--clean/);
    const damaged = path.join(dir, "damaged.dump");
    await writeFile(damaged, Buffer.concat([await readFile(file), Buffer.from("x")]));
    await writeFile(`${damaged}.manifest.json`, await readFile(`${file}.manifest.json`));
    await expect(runCommand(["db:restore", damaged, "--clean"], testContext(target.url))).rejects.toThrow(
      "does not match its manifest's checksum",
    );

    // A manifest whose row digest does not match what was restored fails loudly, naming the table.
    const tampered = path.join(dir, "tampered.dump");
    await writeFile(tampered, await readFile(file));
    const forged: Manifest = { ...manifest, tables: { ...manifest.tables, bookings: { rows: 2, checksum: "0".repeat(32) } } };
    await writeFile(`${tampered}.manifest.json`, JSON.stringify(forged));
    const refused = await cli(["db:restore", tampered, "--clean"], target.url);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /Restore verification FAILED \(1 differences from the backup\):\n {2}rows\.bookings\.checksum: expected "0{32}"/,
    );
  });

  it("names every difference of restored data, catalog or privileges from the manifest", async () => {
    const file = path.join(dir, "verify.dump");
    if (!(await toolsFitServer(source.url))) return;
    await runCommand(["db:backup", "--out", file], testContext(source.url));
    const copy = await createTestDatabase("empty");
    try {
      await runCommand(["db:restore", file], testContext(copy.url));
      const manifest = JSON.parse(await readFile(`${file}.manifest.json`, "utf8")) as Manifest;
      expect(await verifyRestore(copy.url, manifest)).toEqual([]);
      await withClient(copy.url, async (c) => {
        await c.query(`UPDATE client_users SET name = name || ' (edited)' WHERE id = (SELECT id FROM client_users LIMIT 1)`);
        await c.query(`GRANT EXECUTE ON FUNCTION resolve_invoice_public_token(text) TO PUBLIC`);
        await c.query(`ALTER TABLE leads NO FORCE ROW LEVEL SECURITY`);
      });
      const problems = await verifyRestore(copy.url, manifest);
      expect(problems).toEqual([
        expect.stringMatching(/^catalog\.access\.leads\.forceRls: expected true, found false$/),
        expect.stringMatching(/^catalog\.functions\.resolve_invoice_public_token\(text\)\.acl: expected /),
        expect.stringMatching(/^rows\.client_users\.checksum: expected /),
      ]);
    } finally {
      await copy.drop();
    }
  });
  it("refuses a restore it could not verify", async () => {
    const lonely = path.join(dir, "no-manifest.dump");
    await writeFile(lonely, "not a dump");
    await expect(runCommand(["db:restore", lonely], testContext(target.url))).rejects.toThrow(/No manifest beside the backup/);
    await expect(runCommand(["db:restore", path.join(dir, "missing.dump")], testContext(target.url))).rejects.toThrow(/No backup file at/);
  });
});
