import os from "node:os";
import path from "node:path";
import { MikroORM } from "@mikro-orm/postgresql";
import pg from "pg";
import { loadDbConfig } from "../src/config.ts";
import { Booking } from "../src/entities/index.ts";
import { createLogger } from "../src/logger.ts";
import { APP_ROLE } from "../src/tenancy/database-roles.ts";
import { MigrationRunner } from "../src/migrations/migrator.ts";
import { ormOptions } from "../src/orm/orm-config.ts";
import { startEmbeddedPostgres } from "../src/postgres/embedded.ts";
import { withDatabaseName } from "../src/postgres/pool.ts";
import { TENANT_FILTER } from "../src/tenancy/tenant-filter.ts";
import { tenantOrmOptions } from "../src/tenancy/tenant-orm.ts";
import { withOrg } from "../src/tenancy/with-org.ts";

const ORGS = ["5a3e1c2b-7d4f-4a68-9b1e-0c2d3e4f5a61", "6b4f2d3c-8e5a-4b79-8c2f-1d3e4f5a6b72"] as const;
const BOOKINGS_PER_ORG = 2_000;

type Stats = { name: string; medianMs: number; p95Ms: number };

async function measure(name: string, iterations: number, op: (i: number) => Promise<unknown>): Promise<Stats> {
  for (let i = 0; i < Math.min(300, iterations); i++) await op(i);
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    await op(i);
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(samples.length * q))] ?? 0;
  return { name, medianMs: at(0.5), p95Ms: at(0.95) };
}

/**
 * The cost of tenant scoping per request: the same read of one booking by id, through plain pg and through the ORM,
 * with and without the per-request transaction, set_config and the tenant filter.
 */
export async function runScopingBench(iterations: number): Promise<Stats[]> {
  const config = loadDbConfig();
  const logger = createLogger("warn", "bench");
  const server = config.databaseUrl
    ? { url: config.databaseUrl, stop: () => Promise.resolve() }
    : await startEmbeddedPostgres({
        dataDir: path.join(os.tmpdir(), `cleanops-scoping-${process.pid}`),
        port: 55000 + (process.pid % 1000),
        persistent: false,
        logger,
      });
  const dbName = `bench_scoping_${Date.now()}`;
  const admin = new pg.Client({ connectionString: withDatabaseName(server.url, "postgres") });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const ownerUrl = withDatabaseName(server.url, dbName);
  const appPassword = `bench-${process.pid}-${Date.now()}`;
  const appUrl = new URL(ownerUrl);
  appUrl.username = APP_ROLE;
  appUrl.password = appPassword;
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    const runner = await MigrationRunner.open({
      connectionString: ownerUrl,
      logger,
      lockTimeoutMs: 2_000,
      lockRetries: 3,
      forceDataLoss: false,
    });
    await runner.up().finally(() => runner.close());
    const owner = new pg.Client({ connectionString: ownerUrl });
    await owner.connect();
    cleanups.push(() => owner.end());
    await owner.query(`ALTER ROLE ${APP_ROLE} LOGIN PASSWORD ${owner.escapeLiteral(appPassword)}`);
    for (const org of ORGS) {
      await owner.query(`INSERT INTO organizations (org_id, name, slug) VALUES ($1, $2, $2)`, [org, `bench-${org.slice(0, 8)}`]);
      await owner.query(`INSERT INTO client_users (org_id, name) VALUES ($1, 'c')`, [org]);
      await owner.query(
        `INSERT INTO bookings (org_id, client_id, starts_at, duration_minutes, address, price_cents, currency)
         SELECT $1, (SELECT id FROM client_users WHERE org_id = $1), now(), 60, 'x', 1000, 'USD' FROM generate_series(1, $2)`,
        [org, BOOKINGS_PER_ORG],
      );
    }
    await owner.query("ANALYZE");
    const ids = (await owner.query<{ id: string }>(`SELECT id FROM bookings WHERE org_id = $1`, [ORGS[0]])).rows.map((r) => r.id);
    const idAt = (i: number) => ids[i % ids.length] ?? "";
    const sql = `SELECT * FROM bookings WHERE org_id = $1 AND id = $2`;

    const ownerPool = new pg.Pool({ connectionString: ownerUrl, max: 1 });
    const appPool = new pg.Pool({ connectionString: appUrl.toString(), max: 1 });
    cleanups.push(
      () => ownerPool.end(),
      () => appPool.end(),
    );
    const plainOrm = await MikroORM.init(ormOptions(ownerUrl, { pool: { min: 1, max: 1 } }));
    const scopedOrm = await MikroORM.init(tenantOrmOptions(ormOptions(appUrl.toString(), { pool: { min: 1, max: 1 } })));
    cleanups.push(
      () => plainOrm.close(true),
      () => scopedOrm.close(true),
    );

    return [
      await measure("pg: one query", iterations, (i) => ownerPool.query(sql, [ORGS[0], idAt(i)])),
      await measure("pg: BEGIN + set_config + query + COMMIT (app role)", iterations, async (i) => {
        const c = await appPool.connect();
        try {
          await c.query("BEGIN");
          await c.query(`SELECT set_config('app.current_org', $1, true)`, [ORGS[0]]);
          await c.query(sql, [ORGS[0], idAt(i)]);
          await c.query("COMMIT");
        } finally {
          c.release();
        }
      }),
      await measure("orm: findOne, no scoping (owner)", iterations, (i) =>
        plainOrm.em.fork().findOne(Booking, { id: idAt(i), orgId: ORGS[0] }, { filters: { [TENANT_FILTER]: false } }),
      ),
      await measure("orm: withOrg + findOne (filter, transaction, set_config, app role)", iterations, (i) =>
        withOrg(scopedOrm, ORGS[0], (em) => em.findOne(Booking, { id: idAt(i) })),
      ),
    ];
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
    await server.stop();
  }
}

export function printScopingBench(iterations: number, stats: Stats[]): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`\nbench:scoping, ${iterations} reads of one booking by id per variant, one connection`);
  for (const s of stats) out(`  ${s.name.padEnd(72)} median ${s.medianMs.toFixed(3)} ms   p95 ${s.p95Ms.toFixed(3)} ms`);
  const [pgOne, pgScoped, ormPlain, ormScoped] = stats;
  if (pgOne && pgScoped && ormPlain && ormScoped) {
    out(`  scoping cost, plain pg: ${(pgScoped.medianMs - pgOne.medianMs).toFixed(3)} ms at the median`);
    out(`  scoping cost, ORM:      ${(ormScoped.medianMs - ormPlain.medianMs).toFixed(3)} ms at the median (goal: under 0.3 ms)`);
  }
}

if (import.meta.main) {
  const iterations = Number(process.argv[2] ?? "3000");
  printScopingBench(iterations, await runScopingBench(iterations));
}
