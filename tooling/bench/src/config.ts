import { FULL_SIZE, type DatasetSize } from "./dataset.ts";

/**
 * The only module of the benchmark that reads the environment:
 * DATABASE_URL: a server to use (its superuser) instead of the embedded PostgreSQL 17 in .data/bench-pg;
 * BENCH_PG_PORT (default 55490); BENCH_SECONDS per measurement (default 5); BENCH_SMALL=1: 50 orgs and 20,000
 * bookings (a quick try, its own template); BENCH_ONLY: comma-separated scenario names; BENCH_SCOPING_ITERATIONS
 * (default 2000); BENCH_NO_WRITE=1: leave docs/ alone (the report goes to the temp folder); BENCH_DUMP_STALLS=1: each
 * paced run's slow requests and the GC pauses of the server and of the load process to stalls-<server>-<time>.json in
 * the temp folder.
 */
export type BenchConfig = {
  databaseUrl: string | undefined;
  pgPort: number;
  seconds: number;
  size: DatasetSize;
  only: string[] | undefined;
  scopingIterations: number;
  writeDocs: boolean;
  /** BENCH_DUMP_STALLS=1: each paced run's slow requests and the server's GC pauses to a JSON file in the temp folder. */
  dumpStalls: boolean;
  /** Passed on to the server processes (PATH and the like), plus their own variables. */
  inherited: Readonly<Record<string, string | undefined>>;
};

function positive(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number`);
  return n;
}

export function loadBenchConfig(env: Readonly<Record<string, string | undefined>> = process.env): BenchConfig {
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    pgPort: positive("BENCH_PG_PORT", env.BENCH_PG_PORT, 55490),
    seconds: positive("BENCH_SECONDS", env.BENCH_SECONDS, 5),
    size: env.BENCH_SMALL === "1" ? { orgs: 50, bookings: 20_000 } : FULL_SIZE,
    only: env.BENCH_ONLY ? env.BENCH_ONLY.split(",") : undefined,
    scopingIterations: positive("BENCH_SCOPING_ITERATIONS", env.BENCH_SCOPING_ITERATIONS, 2000),
    writeDocs: env.BENCH_NO_WRITE !== "1",
    dumpStalls: env.BENCH_DUMP_STALLS === "1",
    inherited: env,
  };
}

/** What a server process of the benchmark is started with (set by run.ts for serve.ts). */
export type ServeEnv = { databaseUrl: string; jwtSecret: string; webhookSecret: string; logLevel: string; port: number };

export function serveEnv(env: Readonly<Record<string, string | undefined>> = process.env): ServeEnv {
  const need = (name: string) => {
    const v = env[name];
    if (!v) throw new Error(`${name} is required`);
    return v;
  };
  return {
    databaseUrl: need("BENCH_DATABASE_URL"),
    jwtSecret: need("BENCH_JWT_SECRET"),
    webhookSecret: need("BENCH_WEBHOOK_SECRET"),
    logLevel: env.BENCH_LOG_LEVEL ?? "warn",
    port: Number(env.BENCH_PORT ?? "0"),
  };
}
