import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import pg from "pg";
import { loadDbConfig } from "../src/config.ts";
import { fillLegacyFixture, plannedFixtureCounts } from "../src/fixture/legacy-fixture.ts";
import { createLogger } from "../src/logger.ts";
import { MigrationRunner } from "../src/migrations/migrator.ts";
import { LEGACY_HEAD } from "../src/migrations/registry.ts";
import { startEmbeddedPostgres } from "../src/postgres/embedded.ts";
import { withDatabaseName } from "../src/postgres/pool.ts";
import { WorkloadProbe } from "./probe.ts";

/**
 * pnpm bench:migrate --rows N: a legacy database with N bookings, then 0034 and 0035 while a probe keeps reading and
 * writing the busiest tables. Reports the time of each migration and the longest stall the probe saw per table.
 */
export async function runMigrateBench(
  rows: number,
): Promise<{ m0034Ms: number; m0035Ms: number; stalls: Awaited<ReturnType<WorkloadProbe["stop"]>> }> {
  const config = loadDbConfig();
  const logger = createLogger("warn", "bench");
  const server = config.databaseUrl
    ? { url: config.databaseUrl, stop: () => Promise.resolve() }
    : await startEmbeddedPostgres({
        dataDir: path.join(os.tmpdir(), `cleanops-bench-${process.pid}`),
        port: 54000 + (process.pid % 1000),
        persistent: false,
        logger,
      });
  const dbName = `bench_migrate_${Date.now()}`;
  const admin = new pg.Client({ connectionString: withDatabaseName(server.url, "postgres") });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = withDatabaseName(server.url, dbName);
  const ctx = {
    connectionString: url,
    logger,
    lockTimeoutMs: config.migrations.lockTimeoutMs,
    lockRetries: config.migrations.lockRetries,
    forceDataLoss: false,
  };
  try {
    const runner = await MigrationRunner.open(ctx);
    try {
      await runner.up(LEGACY_HEAD);
    } finally {
      await runner.close();
    }

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const planned = plannedFixtureCounts(rows);
    const total = Object.values(planned).reduce((a, b) => a + b, 0);
    const bar = new cliProgress.SingleBar(
      { format: "fixture [{bar}] {percentage}% | {value}/{total} rows | {table} | ETA {eta_formatted}" },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { table: "" });
    const done = new Map<string, number>();
    const fillStart = performance.now();
    await fillLegacyFixture(client, {
      bookings: rows,
      onProgress: ({ table, done: d }) => {
        done.set(table, d);
        bar.update(
          [...done.values()].reduce((a, b) => a + b, 0),
          { table },
        );
      },
    });
    bar.stop();
    process.stdout.write(`fixture: ${total} rows in ${((performance.now() - fillStart) / 1000).toFixed(1)} s\n`);
    await client.query("VACUUM ANALYZE");
    await client.end();

    const probe = new WorkloadProbe(url);
    await probe.start();
    await new Promise((r) => setTimeout(r, 1_000));
    const times: Record<string, number> = {};
    const runner2 = await MigrationRunner.open({ ...ctx, logger: createLogger("info", "bench") });
    try {
      for (const target of ["0034", "0035"]) {
        const t0 = performance.now();
        process.stdout.write(`running ${target} ...\n`);
        await runner2.up(target);
        times[target] = performance.now() - t0;
      }
    } finally {
      await runner2.close();
    }
    await new Promise((r) => setTimeout(r, 500));
    const stalls = await probe.stop();
    return { m0034Ms: times["0034"] ?? 0, m0035Ms: times["0035"] ?? 0, stalls };
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
    await server.stop();
  }
}

export function printMigrateBench(rows: number, r: Awaited<ReturnType<typeof runMigrateBench>>): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`\nbench:migrate, ${rows} bookings, PostgreSQL via ${loadDbConfig().databaseUrl ? "DATABASE_URL" : "embedded 17"}`);
  out(`  0034: ${(r.m0034Ms / 1000).toFixed(2)} s   0035: ${(r.m0035Ms / 1000).toFixed(2)} s`);
  out(`  ${"table".padEnd(22)}${"ops".padStart(8)}${"errors".padStart(8)}${"p99 ms".padStart(10)}${"longest stall ms".padStart(18)}`);
  for (const s of r.stalls) {
    out(
      `  ${s.table.padEnd(22)}${String(s.ops).padStart(8)}${String(s.errors).padStart(8)}${s.p99Ms.toFixed(1).padStart(10)}${s.maxMs.toFixed(1).padStart(18)}`,
    );
  }
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { rows: { type: "string", default: "100000" } } });
  const rows = Number(values.rows);
  if (!Number.isInteger(rows) || rows < 1) {
    process.stderr.write("error: --rows takes a whole number of bookings\n");
    process.exit(2);
  }
  printMigrateBench(rows, await runMigrateBench(rows));
}
