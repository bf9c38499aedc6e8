import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { APP_ROLE, createLogger, startEmbeddedPostgres } from "@cleanops/db";
import { SERVER_NODE_FLAGS } from "@cleanops/http/node-flags";
import pg from "pg";
import { summariseProfiles } from "./cpu-profile.ts";
import { loadBenchConfig } from "./config.ts";
import { cloneTemplate, dropDatabase, ensureTemplate, type DatasetSize } from "./dataset.ts";
import { loadInChild, pacedLoadInChild } from "./load-process.ts";
import { load, type LoadResult } from "./load.ts";
import { pacedRequestCount } from "./paced-load.ts";
import { childrenCpuSeconds, postmasterPid, processCpuSeconds } from "./proc-cpu.ts";
import { writeReport, type Report, type ScenarioRow, type StallSummary } from "./report.ts";
import { measureScoping } from "./scoping.ts";
import type { StallReport } from "./stall-monitor.ts";
import type { ServerKind } from "./serve.ts";
import { loadTargets, type ReqFactory, type Targets } from "./targets.ts";

/**
 * `pnpm bench`: the three apps against the raw-pg baseline (and Express doing nothing) on the many-tenant dataset,
 * side by side in one run; settings in config.ts.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../../..");
const config = loadBenchConfig();
const seconds = config.seconds;
const size: DatasetSize = config.size;
const out = (line: string) => process.stdout.write(`${line}\n`);
const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)}s`;

type Server = { kind: ServerKind; url: string; child: ChildProcess };

const withDb = (url: string, db: string, user?: { name: string; password: string }) => {
  const u = new URL(url);
  u.pathname = `/${db}`;
  if (user) {
    u.username = user.name;
    u.password = user.password;
  }
  return u.toString();
};

async function startPostgres(fast: boolean) {
  const dataDir = path.join(repo, ".data/bench-pg/data");
  const server = await startEmbeddedPostgres({
    dataDir,
    port: config.pgPort,
    persistent: true,
    fast,
    // pg_stat_statements: where each scenario's database time goes (the evidence section of the report).
    settings: { shared_preload_libraries: "pg_stat_statements", "pg_stat_statements.track": "top" },
    logger: createLogger("warn", "bench"),
  });
  return { ...server, dataDir };
}

async function startServer(kind: ServerKind, serveEnv: Record<string, string>, profileDir?: string): Promise<Server> {
  // The apps' own Node flags (their start scripts), for the baselines too: the same runtime on both sides.
  const flags = [...SERVER_NODE_FLAGS, ...(profileDir ? ["--cpu-prof", "--cpu-prof-dir", profileDir] : [])];
  const child = spawn(process.execPath, [...flags, path.join(here, "serve.ts"), kind], {
    env: { ...config.inherited, ...serveEnv },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let buf = "";
    child.stdout?.on("data", (d: Buffer) => {
      buf += d.toString("utf8");
      const m = /listening (\d+)/.exec(buf);
      if (m) resolve(Number(m[1]));
    });
    child.on("exit", (code) => reject(new Error(`${kind} server exited (${code}) before listening`)));
  });
  return { kind, url: `http://127.0.0.1:${port}`, child };
}

type Measured = {
  max: LoadResult;
  fixed: LoadResult;
  nodeCpuMsPerReq: number;
  pgCpuMsPerReq: number | null;
  /** The server's GC pauses and event-loop delay during the paced run, and how many slow requests overlapped a pause. */
  stalls: StallReport & { slow: number; slow_in_gc: number };
  /** The load generator's own pauses (its process): a stall there delays the answers it times, whatever the server did. */
  loader: StallReport & { slow_in_gc: number };
};

async function takeStalls(server: Server): Promise<StallReport> {
  const r = await fetch(`${server.url}/__bench/stalls`);
  return (await r.json()) as StallReport;
}

function stallSummary({ stalls: st, loader }: Measured): StallSummary {
  return {
    gc_count: st.gc.count,
    gc_total_ms: st.gc.total_ms,
    gc_max_ms: st.gc.max_ms,
    major_gcs: st.gc.major,
    loop_delay_max_ms: st.loop_delay.max_ms,
    slow_requests: st.slow,
    slow_during_gc: st.slow_in_gc,
    loader_gc_max_ms: loader.gc.max_ms,
    loader_loop_delay_max_ms: loader.loop_delay.max_ms,
    slow_during_loader_gc: loader.slow_in_gc,
  };
}

/** The slow requests whose time in flight overlapped one of the server's GC pauses. */
function slowInGc(slow: readonly { at: number; ms: number }[], pauses: StallReport["pauses"]): number {
  return slow.filter((r) => pauses.some((p) => p.at < r.at + r.ms && p.at + p.ms > r.at)).length;
}

/**
 * A CHECKPOINT before each measurement: the pages a write scenario dirtied (or the template's clone) are written out
 * now, not by the checkpointer in the middle of the next measurement, where they made its p99 (app and baseline
 * alike). Needs a superuser (or pg_checkpoint); skipped without one.
 */
async function checkpoint(ownerUrl: string): Promise<void> {
  const c = new pg.Client({ connectionString: ownerUrl });
  try {
    await c.connect();
    await c.query("CHECKPOINT");
  } catch {
    // not permitted on this server: measured without
  } finally {
    await c.end().catch(() => undefined);
  }
}

async function measure(server: Server, make: ReqFactory, pgPid: number | undefined, ownerUrl: string): Promise<Measured> {
  await checkpoint(ownerUrl);
  await load(server.url, make, { seconds: Math.min(2, seconds), connections: 8 });
  const cpu0 = processCpuSeconds(server.child.pid ?? 0);
  const pg0 = pgPid ? childrenCpuSeconds(pgPid) : 0;
  const max = await load(server.url, make, { seconds, connections: 16 });
  const nodeCpuMsPerReq = ((processCpuSeconds(server.child.pid ?? 0) - cpu0) * 1000) / Math.max(1, max.requests);
  const pgCpuMsPerReq = pgPid ? ((childrenCpuSeconds(pgPid) - pg0) * 1000) / Math.max(1, max.requests) : null;
  await checkpoint(ownerUrl);
  let reset: Promise<StallReport> | undefined;
  const paced = { seconds, rate: max.rps / 2, connections: 16, warmupSeconds: Math.min(2, seconds) };
  const requests = Array.from({ length: pacedRequestCount(paced) }, () => make());
  const { loader, ...fixed } = await pacedLoadInChild(server.url, requests, {
    ...paced,
    onMeasureStart: () => {
      reset = takeStalls(server);
    },
  });
  await reset;
  const stalls = await takeStalls(server);
  const slow = fixed.slow ?? [];
  if (config.dumpStalls) {
    writeFileSync(path.join(os.tmpdir(), `stalls-${server.kind}-${Date.now()}.json`), JSON.stringify({ slow, stalls, loader }));
  }
  return {
    max,
    fixed,
    nodeCpuMsPerReq,
    pgCpuMsPerReq,
    stalls: { ...stalls, slow: slow.length, slow_in_gc: slowInGc(slow, stalls.pauses) },
    loader: { ...loader, slow_in_gc: slowInGc(slow, loader.pauses) },
  };
}

async function topStatements(ownerUrl: string): Promise<{ query: string; calls: number; mean_ms: number; total_ms: number }[]> {
  const c = new pg.Client({ connectionString: ownerUrl });
  await c.connect();
  try {
    const r = await c.query<{ query: string; calls: string; mean_ms: number; total_ms: number }>(
      `SELECT left(regexp_replace(query, '\\s+', ' ', 'g'), 140) AS query, calls, round(mean_exec_time::numeric, 3)::float8 AS mean_ms,
              round(total_exec_time::numeric, 1)::float8 AS total_ms
       FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
       ORDER BY total_exec_time DESC LIMIT 4`,
    );
    await c.query(`SELECT pg_stat_statements_reset()`);
    return r.rows.map((x) => ({ ...x, calls: Number(x.calls) }));
  } catch {
    return [];
  } finally {
    await c.end();
  }
}

/**
 * EXPLAIN ANALYZE of admin-api's list query (GET /bookings?status=…, as captured) for the largest org, as the app
 * role in its org: which index serves each status filter at this scale and how long PostgreSQL takes.
 */
async function explainLists(appUrl: string, orgId: string) {
  const c = new pg.Client({ connectionString: appUrl });
  await c.connect();
  try {
    const found: { status: string; rows: number; ms: number; plan: string }[] = [];
    for (const status of ["completed", "confirmed", "cancelled", "in_progress"]) {
      await c.query(`BEGIN; SELECT set_config('app.current_org', '${orgId}', true)`);
      const r = await c.query<{ "QUERY PLAN": [{ Plan: PlanNode; "Execution Time": number }] }>(
        `EXPLAIN (ANALYZE, FORMAT JSON) select "b0".* from "bookings" as "b0" where "b0"."org_id" = $1 and "b0"."status" = $2
         order by "b0"."created_at" desc, "b0"."id" desc limit 51`,
        [orgId, status],
      );
      await c.query("COMMIT");
      const top = r.rows[0]?.["QUERY PLAN"][0];
      const nodes: string[] = [];
      const walk = (n: PlanNode) => {
        nodes.push(
          `${n["Node Type"]}${n["Index Name"] ? ` ${n["Index Name"]}` : ""}${n["Rows Removed by Filter"] ? ` (${n["Rows Removed by Filter"]} rows filtered out)` : ""}`,
        );
        for (const child of n.Plans ?? []) walk(child);
      };
      if (top) walk(top.Plan);
      found.push({ status, rows: top?.Plan["Actual Rows"] ?? 0, ms: top?.["Execution Time"] ?? 0, plan: nodes.join(" → ") });
    }
    return found;
  } finally {
    await c.end();
  }
}

type PlanNode = {
  "Node Type": string;
  "Index Name"?: string;
  "Actual Rows"?: number;
  "Rows Removed by Filter"?: number;
  Plans?: PlanNode[];
};

async function main() {
  out(
    `bench: ${os.cpus().length} cores, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}, ${seconds} s per measurement`,
  );
  let pgServer: Awaited<ReturnType<typeof startPostgres>> | undefined;
  let serverUrl = config.databaseUrl;
  let built = { builtSeconds: 0 };
  if (!serverUrl) {
    // Generation runs without fsync (a crash only means building again); the measurements with default durability.
    pgServer = await startPostgres(true);
    built = await ensureTemplate(pgServer.url, size, out);
    await pgServer.stop();
    pgServer = await startPostgres(false);
    serverUrl = pgServer.url;
  } else {
    built = await ensureTemplate(serverUrl, size, out);
  }
  const runDb = `bench_run`;
  const servers: Server[] = [];
  try {
    out(`[${elapsed()}] cloning the template`);
    const ownerUrl = await cloneTemplate(serverUrl, runDb);
    const appPassword = randomBytes(18).toString("base64url");
    const owner = new pg.Client({ connectionString: ownerUrl });
    await owner.connect();
    await owner.query(`ALTER ROLE ${APP_ROLE} LOGIN PASSWORD '${appPassword}'`);
    await owner.query(`CREATE EXTENSION IF NOT EXISTS pg_stat_statements`).catch(() => out("  (pg_stat_statements not available)"));
    await owner.end();
    const appUrl = withDb(serverUrl, runDb, { name: APP_ROLE, password: appPassword });
    const secrets = { jwt: randomBytes(32).toString("hex"), webhook: `whsec_${randomBytes(24).toString("hex")}` };
    const targets: Targets = await loadTargets(ownerUrl, secrets);
    out(
      `[${elapsed()}] dataset: largest org ${targets.largeOrg.bookings} bookings, smallest ${targets.smallOrg.bookings}; scoping overhead next`,
    );

    const listPlans = await explainLists(appUrl, targets.largeOrg.orgId);
    for (const p of listPlans) out(`  list of status ${p.status}: ${p.rows} rows in ${p.ms.toFixed(2)} ms, ${p.plan}`);

    const scoping = await measureScoping(ownerUrl, appUrl, targets.largeOrg.orgId, config.scopingIterations);
    for (const v of scoping.variants) out(`  ${v.name.padEnd(76)} median ${v.medianMs.toFixed(3)} ms  p95 ${v.p95Ms.toFixed(3)} ms`);
    out(
      `  scoping overhead (app read path): ${scoping.overheadMs.toFixed(3)} ms at the median; plain pg: ${scoping.pgOverheadMs.toFixed(3)} ms; ORM entities: ${scoping.ormEntityOverheadMs.toFixed(3)} ms`,
    );

    const serveEnv = {
      BENCH_DATABASE_URL: appUrl,
      BENCH_JWT_SECRET: secrets.jwt,
      BENCH_WEBHOOK_SECRET: secrets.webhook,
      BENCH_LOG_LEVEL: "warn",
    };
    for (const kind of ["admin", "worker", "public", "raw", "express"] as const) servers.push(await startServer(kind, serveEnv));
    const byKind = (k: ServerKind) => {
      const s = servers.find((x) => x.kind === k);
      if (!s) throw new Error(k);
      return s;
    };
    await topStatements(ownerUrl);
    const pgPid = postmasterPid(pgServer?.dataDir);
    const plan: { name: string; kind: ServerKind; make: ReqFactory }[] = [
      { name: "admin.get_booking", kind: "admin", make: targets.getBooking },
      { name: "admin.list_bookings", kind: "admin", make: targets.listBookings },
      { name: "admin.create_booking", kind: "admin", make: targets.createBooking },
      { name: "worker.jobs_today", kind: "worker", make: targets.jobsToday },
      { name: "public.invoice_json", kind: "public", make: targets.invoiceJson },
      { name: "public.webhook", kind: "public", make: targets.webhook },
    ];
    const rows: ScenarioRow[] = [];
    const only = config.only;
    for (const s of plan.filter((p) => !only || only.includes(p.name))) {
      out(`[${elapsed()}] ${s.name}`);
      const app = await measure(byKind(s.kind), s.make, pgPid, ownerUrl);
      const appStatements = await topStatements(ownerUrl);
      const base = await measure(byKind("raw"), s.make, pgPid, ownerUrl);
      await topStatements(ownerUrl);
      const row: ScenarioRow = {
        name: s.name,
        rps: app.max.rps,
        baseline_rps: base.max.rps,
        ratio: app.max.rps / Math.max(1, base.max.rps),
        p50_ms: app.fixed.p50,
        p99_ms: app.fixed.p99,
        baseline_p50_ms: base.fixed.p50,
        baseline_p99_ms: base.fixed.p99,
        late_p99_ms: app.fixed.lateP99 ?? 0,
        baseline_late_p99_ms: base.fixed.lateP99 ?? 0,
        errors: app.max.non2xx + app.max.errors + app.fixed.non2xx + app.fixed.errors,
        baseline_errors: base.max.non2xx + base.max.errors + base.fixed.non2xx + base.fixed.errors,
        node_cpu_ms_per_req: app.nodeCpuMsPerReq,
        baseline_node_cpu_ms_per_req: base.nodeCpuMsPerReq,
        pg_cpu_ms_per_req: app.pgCpuMsPerReq,
        baseline_pg_cpu_ms_per_req: base.pgCpuMsPerReq,
        top_statements: appStatements,
        stalls: { app: stallSummary(app), baseline: stallSummary(base) },
      };
      rows.push(row);
      out(
        `  app ${row.rps.toFixed(0)} req/s (p50 ${row.p50_ms} ms, p99 ${row.p99_ms} ms at half, sent late p99 ${row.late_p99_ms} ms; ` +
          `baseline p99 ${row.baseline_p99_ms}, late ${row.baseline_late_p99_ms}), baseline ${row.baseline_rps.toFixed(0)} req/s → ${row.ratio.toFixed(2)}×; ` +
          `node ${row.node_cpu_ms_per_req.toFixed(2)} ms CPU/req (baseline ${row.baseline_node_cpu_ms_per_req.toFixed(2)}), ` +
          `postgres ${row.pg_cpu_ms_per_req?.toFixed(2) ?? "?"} ms CPU/req; errors ${row.errors}/${row.baseline_errors}`,
      );
      for (const [who, m] of [
        ["app", app],
        ["baseline", base],
      ] as const) {
        const st = m.stalls;
        out(
          `  ${who} at half: GC ${st.gc.count}× ${st.gc.total_ms} ms (max ${st.gc.max_ms}, major ${st.gc.major}× ${st.gc.major_ms} ms), ` +
            `loop delay p99 ${st.loop_delay.p99_ms} max ${st.loop_delay.max_ms} ms; ${st.slow} requests over 25 ms, ${st.slow_in_gc} of them during a GC pause ≥ 2 ms ` +
            `(pauses: ${st.pauses
              .map((p) => `${p.kind} ${p.ms}`)
              .slice(0, 12)
              .join(", ")})`,
        );
        out(
          `    its load generator: GC max ${m.loader.gc.max_ms} ms, loop delay max ${m.loader.loop_delay.max_ms} ms; ` +
            `${m.loader.slow_in_gc} slow requests during one of its GC pauses`,
        );
      }
    }
    out(`[${elapsed()}] express with no work`);
    const expressMax = await load(byKind("express").url, () => ({ method: "GET", path: "/nothing", headers: {} }), {
      seconds,
      connections: 16,
    });
    out(`  ${expressMax.rps.toFixed(0)} req/s`);

    out(`[${elapsed()}] noisy neighbour: the smallest org's list alone, then with the largest org's list at full load`);
    const admin = byKind("admin");
    const probeRate = 40;
    const probeSettings = { seconds, connections: 4, rate: probeRate, warmupSeconds: 0, onMeasureStart: () => undefined };
    const probe = () =>
      pacedLoadInChild(
        admin.url,
        Array.from({ length: pacedRequestCount(probeSettings) }, () => targets.listSmallOrg()),
        probeSettings,
      );
    // Alone before and after (the machine drifts), the large org's load from a process of its own (load-process.ts).
    await checkpoint(ownerUrl);
    const aloneBefore = await probe();
    const [busy, noise] = await Promise.all([
      probe(),
      loadInChild({ url: admin.url, request: targets.listBookings(), seconds, connections: 12 }),
    ]);
    const aloneAfter = await probe();
    const alone = { p50: (aloneBefore.p50 + aloneAfter.p50) / 2, p99: (aloneBefore.p99 + aloneAfter.p99) / 2 };
    const neighbour = {
      small_org_bookings: targets.smallOrg.bookings,
      large_org_bookings: targets.largeOrg.bookings,
      probe_rate: probeRate,
      alone_p50_ms: Math.round(alone.p50 * 100) / 100,
      alone_p99_ms: Math.round(alone.p99 * 100) / 100,
      alone_before_p50_ms: aloneBefore.p50,
      alone_after_p50_ms: aloneAfter.p50,
      loaded_p50_ms: busy.p50,
      loaded_p99_ms: busy.p99,
      large_org_rps: noise.rps,
      large_org_non2xx: noise.non2xx,
      ratio_p50: busy.p50 / Math.max(0.01, alone.p50),
    };
    out(
      `  alone p50 ${neighbour.alone_p50_ms} ms (before ${aloneBefore.p50}, after ${aloneAfter.p50}) p99 ${neighbour.alone_p99_ms} ms; with the large org at ${noise.rps.toFixed(0)} req/s: p50 ${busy.p50} ms p99 ${busy.p99} ms → ${neighbour.ratio_p50.toFixed(2)}× at the median`,
    );

    // CPU profiles (a separate pass: profiling slows the process down, so none of the figures above had it on).
    const profiles: Report["profiles"] = [];
    for (const { kind, name, make } of plan.filter((p) => !only || only.includes(p.name))) {
      out(`[${elapsed()}] CPU profile of ${kind} under ${name}`);
      const dir = mkdtempSync(path.join(os.tmpdir(), `bench-prof-${kind}-`));
      const s = await startServer(kind, serveEnv, dir);
      await load(s.url, make, { seconds: 2, connections: 8 });
      const from = Number(process.hrtime.bigint() / 1000n);
      await load(s.url, make, { seconds: Math.min(4, seconds), connections: 16 });
      await new Promise<void>((resolve) => {
        s.child.once("exit", () => resolve());
        s.child.kill("SIGTERM");
      });
      const summary = summariseProfiles(dir, from);
      profiles.push({ server: kind, scenario: name, ...summary });
      out(
        `  by package: ${summary.byPackage
          .slice(0, 6)
          .map((p) => `${p.name} ${(p.share * 100).toFixed(0)}%`)
          .join(", ")}`,
      );
      out(
        `  functions:  ${summary.topFunctions
          .slice(0, 5)
          .map((p) => `${p.name} ${(p.share * 100).toFixed(0)}%`)
          .join(", ")}`,
      );
      rmSync(dir, { recursive: true, force: true });
    }

    const report: Report = {
      generated_at: new Date().toISOString(),
      machine: {
        cores: os.cpus().length,
        loadavg_at_start: os.loadavg(),
        node: process.version,
        postgres: pgServer ? "embedded 17" : "DATABASE_URL",
      },
      seconds_per_measurement: seconds,
      dataset: { orgs: size.orgs, bookings: size.bookings, built_seconds: built.builtSeconds },
      scoping_overhead_ms: scoping.overheadMs,
      scoping,
      list_plans: listPlans,
      scenarios: rows,
      express_no_work_rps: expressMax.rps,
      noisy_neighbour: neighbour,
      profiles,
      total_seconds: (performance.now() - started) / 1000,
    };
    mkdirSync(path.join(repo, "docs"), { recursive: true });
    if (config.writeDocs) writeReport(repo, report);
    else writeFileSync(path.join(os.tmpdir(), "benchmarks.json"), JSON.stringify(report, null, 2));
    out(`[${elapsed()}] done`);
  } finally {
    for (const s of servers) s.child.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 500));
    await dropDatabase(serverUrl, runDb).catch(() => undefined);
    await pgServer?.stop();
  }
}

await main();
