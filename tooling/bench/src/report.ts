import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { ScopingResult } from "./scoping.ts";

export type ScenarioRow = {
  name: string;
  rps: number;
  baseline_rps: number;
  ratio: number;
  p50_ms: number;
  p99_ms: number;
  baseline_p50_ms: number;
  baseline_p99_ms: number;
  /** How late the load generator sent the paced run's requests (p99, ms): part of the p99, not the server's. */
  late_p99_ms: number;
  baseline_late_p99_ms: number;
  errors: number;
  baseline_errors: number;
  node_cpu_ms_per_req: number;
  baseline_node_cpu_ms_per_req: number;
  pg_cpu_ms_per_req: number | null;
  baseline_pg_cpu_ms_per_req: number | null;
  top_statements: { query: string; calls: number; mean_ms: number; total_ms: number }[];
  /** The server processes during the paced run: GC pauses, event-loop delay, and the slow requests (over 25 ms). */
  stalls: { app: StallSummary; baseline: StallSummary };
};

export type StallSummary = {
  gc_count: number;
  gc_total_ms: number;
  gc_max_ms: number;
  major_gcs: number;
  loop_delay_max_ms: number;
  slow_requests: number;
  /** Of those, the ones in flight during one of the server's GC pauses of 2 ms or more. */
  slow_during_gc: number;
  /** The load generator's own longest GC pause and loop delay in that run, and the slow requests during its pauses. */
  loader_gc_max_ms: number;
  loader_loop_delay_max_ms: number;
  slow_during_loader_gc: number;
};

export type Report = {
  generated_at: string;
  machine: { cores: number; loadavg_at_start: number[]; node: string; postgres: string };
  seconds_per_measurement: number;
  dataset: { orgs: number; bookings: number; built_seconds: number };
  scoping_overhead_ms: number;
  scoping: ScopingResult;
  list_plans: { status: string; rows: number; ms: number; plan: string }[];
  scenarios: ScenarioRow[];
  express_no_work_rps: number;
  noisy_neighbour: {
    small_org_bookings: number;
    large_org_bookings: number;
    probe_rate: number;
    /** The mean of the runs alone before and after the loaded run. */
    alone_p50_ms: number;
    alone_p99_ms: number;
    alone_before_p50_ms: number;
    alone_after_p50_ms: number;
    loaded_p50_ms: number;
    loaded_p99_ms: number;
    large_org_rps: number;
    large_org_non2xx: number;
    ratio_p50: number;
  };
  profiles: {
    server: string;
    scenario: string;
    byPackage: { name: string; share: number }[];
    topFunctions: { name: string; share: number }[];
  }[];
  total_seconds: number;
};

/** The goals, per scenario: minimum ratio to the baseline and maximum p99 at half the maximum rate. */
export const GOALS: Record<string, { ratio: number; p99: number }> = {
  "admin.get_booking": { ratio: 0.5, p99: 25 },
  "admin.list_bookings": { ratio: 0.35, p99: 25 },
  "admin.create_booking": { ratio: 0.3, p99: 50 },
  "worker.jobs_today": { ratio: 0.5, p99: 25 },
  "public.invoice_json": { ratio: 0.5, p99: 25 },
  "public.webhook": { ratio: 0.3, p99: 50 },
};

const START = "<!-- bench:results:start (written by pnpm bench) -->";
const END = "<!-- bench:results:end -->";

const r0 = (n: number) => Math.round(n).toLocaleString("en-US");
const r2 = (n: number) => n.toFixed(2);
const yes = (ok: boolean) => (ok ? "met" : "**not met**");

function markdown(r: Report): string {
  const lines: string[] = [];
  const la = r.machine.loadavg_at_start.map((l) => l.toFixed(1)).join(" / ");
  lines.push(
    `Run of ${r.generated_at.slice(0, 16).replace("T", " ")} UTC: ${r.machine.cores} cores shared with other work (load average ${la} at the start), ` +
      `Node ${r.machine.node}, PostgreSQL ${r.machine.postgres}; ${r.dataset.orgs.toLocaleString("en-US")} orgs, ` +
      `${r.dataset.bookings.toLocaleString("en-US")} bookings; ${r.seconds_per_measurement} s per measurement; the whole run took ${r0(r.total_seconds)} s` +
      (r.dataset.built_seconds > 0 ? ` (of which ${r0(r.dataset.built_seconds)} s building the dataset)` : " (dataset reused)") +
      ".",
    "",
    "| scenario | req/s | baseline req/s | ratio (goal) | p50 ms | p99 ms (goal) | baseline p50 / p99 ms | errors |",
    "|---|---|---|---|---|---|---|---|",
  );
  for (const s of r.scenarios) {
    const g = GOALS[s.name];
    lines.push(
      `| ${s.name} | ${r0(s.rps)} | ${r0(s.baseline_rps)} | ${r2(s.ratio)} (≥ ${g?.ratio ?? "–"}: ${yes(!g || s.ratio >= g.ratio)}) | ${s.p50_ms} | ` +
        `${s.p99_ms} (≤ ${g?.p99 ?? "–"}: ${yes(!g || s.p99_ms <= g.p99)}) | ${s.baseline_p50_ms} / ${s.baseline_p99_ms} | ${s.errors} |`,
    );
  }
  lines.push(
    "",
    `Express answering with no work: ${r0(r.express_no_work_rps)} req/s (the framework's ceiling on this machine).`,
    "",
    `**Tenant scoping overhead: ${r.scoping_overhead_ms.toFixed(3)} ms at the median** (the apps' read path: read transaction + sqlRows, ` +
      `goal under 0.3 ms: ${yes(r.scoping_overhead_ms < 0.3)}); plain pg ${r.scoping.pgOverheadMs.toFixed(3)} ms; ` +
      `ORM entities (withOrg + findOne, still used by writes and the other reads) ${r.scoping.ormEntityOverheadMs.toFixed(3)} ms.`,
    "",
    "| scoping variant (one read by id, one connection, variants interleaved) | median ms | p95 ms |",
    "|---|---|---|",
    ...r.scoping.variants.map((v) => `| ${v.name} | ${v.medianMs.toFixed(3)} | ${v.p95Ms.toFixed(3)} |`),
    "",
  );
  lines.push(
    "admin-api's list query (`GET /bookings?status=…&limit=50`) for the largest org, EXPLAIN ANALYZE as the app role:",
    "",
    "| status | rows | PostgreSQL ms | plan |",
    "|---|---|---|---|",
    ...r.list_plans.map((p) => `| ${p.status} | ${p.rows} | ${p.ms.toFixed(2)} | ${p.plan} |`),
    "",
  );
  const n = r.noisy_neighbour;
  lines.push(
    `**Noisy neighbour:** the smallest org (${n.small_org_bookings} bookings) listing at ${n.probe_rate} req/s: p50 ${n.alone_p50_ms} ms / p99 ${n.alone_p99_ms} ms alone ` +
      `(the mean of a run before and one after: p50 ${n.alone_before_p50_ms} and ${n.alone_after_p50_ms} ms), ` +
      `p50 ${n.loaded_p50_ms} ms / p99 ${n.loaded_p99_ms} ms while the largest org (${n.large_org_bookings.toLocaleString("en-US")} bookings) lists at ${r0(n.large_org_rps)} req/s ` +
      `from a load process of its own (${n.large_org_non2xx} answers not 2xx) ` +
      `→ **${r2(n.ratio_p50)}×** at the median (goal within 1.5×: ${yes(n.ratio_p50 <= 1.5)}).`,
    "",
    "Where each scenario's time goes (CPU from /proc of the server process and of PostgreSQL's backends per request in the closed-loop run; how late the load generator itself sent the paced run's requests, which its p99 includes):",
    "",
    "| scenario | app: Node CPU ms/req | app: PostgreSQL CPU ms/req | baseline: Node / PostgreSQL CPU ms/req | half rate: requests sent late, p99 ms (app / baseline) | top statements by PostgreSQL time (pg_stat_statements, app run) |",
    "|---|---|---|---|---|---|",
  );
  for (const s of r.scenarios) {
    const top = s.top_statements
      .slice(0, 3)
      .map((t) => `\`${t.query.replace(/\|/g, "\\|").slice(0, 90)}\` ${t.mean_ms} ms × ${t.calls}`)
      .join("<br>");
    lines.push(
      `| ${s.name} | ${r2(s.node_cpu_ms_per_req)} | ${s.pg_cpu_ms_per_req === null ? "?" : r2(s.pg_cpu_ms_per_req)} | ` +
        `${r2(s.baseline_node_cpu_ms_per_req)} / ${s.baseline_pg_cpu_ms_per_req === null ? "?" : r2(s.baseline_pg_cpu_ms_per_req)} | ` +
        `${s.late_p99_ms} / ${s.baseline_late_p99_ms} | ${top} |`,
    );
  }
  lines.push(
    "",
    "What stopped the server processes during the paced run (V8's GC pauses from `gc` performance entries, the event loop's delay sampled every 5 ms; requests over 25 ms, and how many of them were in flight during a GC pause of the server; the load generator's own longest GC pause and loop delay, in its process, and the slow requests during its pauses):",
    "",
    "| scenario | app: GC pauses (count, total ms, longest ms, major) | app: loop delay max ms | app: requests over 25 ms (during a GC pause) | baseline: GC (count, total, longest) | baseline: loop delay max | baseline: over 25 ms (during GC) | load generator (app / baseline runs): longest GC, loop delay max ms (slow during its GC) |",
    "|---|---|---|---|---|---|---|---|",
  );
  for (const s of r.scenarios) {
    const a = s.stalls.app;
    const b = s.stalls.baseline;
    lines.push(
      `| ${s.name} | ${a.gc_count}, ${r0(a.gc_total_ms)}, ${r2(a.gc_max_ms)}, ${a.major_gcs} | ${r2(a.loop_delay_max_ms)} | ${a.slow_requests} (${a.slow_during_gc}) | ` +
        `${b.gc_count}, ${r0(b.gc_total_ms)}, ${r2(b.gc_max_ms)} | ${r2(b.loop_delay_max_ms)} | ${b.slow_requests} (${b.slow_during_gc}) | ` +
        `${r2(a.loader_gc_max_ms)}, ${r2(a.loader_loop_delay_max_ms)} (${a.slow_during_loader_gc}) / ${r2(b.loader_gc_max_ms)}, ${r2(b.loader_loop_delay_max_ms)} (${b.slow_during_loader_gc}) |`,
    );
  }
  if (r.profiles.length > 0) {
    lines.push(
      "",
      "CPU profiles of the app processes (a separate pass with `--cpu-prof`, samples of the measured load only; self time):",
      "",
      "| server under scenario | by package | top functions |",
      "|---|---|---|",
    );
    const pct = (x: { name: string; share: number }) => `${x.name.replace(/\|/g, "\\|")} ${(x.share * 100).toFixed(0)}%`;
    for (const p of r.profiles) {
      lines.push(
        `| ${p.server} under ${p.scenario} | ${p.byPackage.slice(0, 6).map(pct).join(", ")} | ${p.topFunctions.slice(0, 5).map(pct).join(", ")} |`,
      );
    }
  }
  return lines.join("\n");
}

/** docs/benchmarks.json (the shape plus the evidence) and the generated part of docs/benchmarks.md. */
export function writeReport(repo: string, r: Report): void {
  const json = {
    scoping_overhead_ms: Number(r.scoping_overhead_ms.toFixed(3)),
    scenarios: r.scenarios.map((s) => ({
      name: s.name,
      rps: Math.round(s.rps),
      baseline_rps: Math.round(s.baseline_rps),
      ratio: Number(s.ratio.toFixed(3)),
      p50_ms: s.p50_ms,
      p99_ms: s.p99_ms,
    })),
    run: r,
  };
  writeFileSync(path.join(repo, "docs/benchmarks.json"), `${JSON.stringify(json, null, 2)}\n`);
  const file = path.join(repo, "docs/benchmarks.md");
  const doc = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmarks\n";
  const block = `${START}\n${markdown(r)}\n${END}`;
  const a = doc.indexOf(START);
  const b = doc.indexOf(END);
  const next = a >= 0 && b > a ? `${doc.slice(0, a)}${block}${doc.slice(b + END.length)}` : `${doc.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next);
}
