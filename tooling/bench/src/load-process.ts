import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { load, type LoadResult } from "./load.ts";
import { pacedLoad } from "./paced-load.ts";
import { stallMonitor, type StallReport } from "./stall-monitor.ts";
import type { Req } from "./targets.ts";

type ClosedSpec = { mode: "closed"; url: string; request: Req; seconds: number; connections: number };
type PacedSpec = {
  mode: "paced";
  url: string;
  /** A JSON file of the requests, made in advance by the orchestrator (the targets stay out of this process). */
  requestsFile: string;
  seconds: number;
  rate: number;
  connections: number;
  warmupSeconds: number;
};

/** Runs this file as a load process; each line it prints is a JSON message, the last one its result. */
function runChild<T>(spec: ClosedSpec | PacedSpec, onLine: (msg: unknown) => void = () => undefined): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), JSON.stringify(spec)], { stdio: ["ignore", "pipe", "inherit"] });
    let last: unknown;
    createInterface({ input: child.stdout }).on("line", (line) => {
      last = JSON.parse(line) as unknown;
      onLine(last);
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code === 0) resolve(last as T);
      else reject(new Error(`load process exited with ${code}`));
    });
  });
}

/**
 * A closed-loop load of ONE fixed request from a process of its own: the noisy neighbour's large org. In the
 * orchestrating process its 500+ answers a second would delay the small org's probe on the same event loop, and the
 * probe would measure its own load generator instead of the server.
 */
export function loadInChild(spec: Omit<ClosedSpec, "mode">): Promise<LoadResult> {
  return runChild<LoadResult>({ mode: "closed", ...spec });
}

/**
 * `pacedLoad` from a process of its own, with requests made in advance: the orchestrator's heap (the targets of a
 * million-booking dataset, the reports) had major GC pauses of up to 43 ms in the middle of paced runs, and every
 * answer that arrived during one was timed as slow (run of 2026-12-05 in docs/benchmarks.md). The child holds only
 * the requests and the timings, and reports its own pauses with its result.
 */
export async function pacedLoadInChild(
  url: string,
  requests: readonly Req[],
  o: { seconds: number; rate: number; connections: number; warmupSeconds: number; onMeasureStart: () => void },
): Promise<LoadResult & { loader: StallReport }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "bench-paced-"));
  const requestsFile = path.join(dir, "requests.json");
  writeFileSync(requestsFile, JSON.stringify(requests));
  try {
    const spec: PacedSpec = { mode: "paced", url, requestsFile, ...o };
    return await runChild<LoadResult & { loader: StallReport }>(spec, (msg) => {
      if (msg === "measuring") o.onMeasureStart();
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const spec = JSON.parse(process.argv[2] ?? "{}") as ClosedSpec | PacedSpec;
  if (spec.mode === "closed") {
    const result = await load(spec.url, () => spec.request, { seconds: spec.seconds, connections: spec.connections });
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    const requests = JSON.parse(readFileSync(spec.requestsFile, "utf8")) as Req[];
    let next = 0;
    const stalls = stallMonitor();
    const result = await pacedLoad(spec.url, () => requests[next++ % requests.length] as Req, {
      seconds: spec.seconds,
      rate: spec.rate,
      connections: spec.connections,
      warmupSeconds: spec.warmupSeconds,
      onMeasureStart: () => {
        stalls.take();
        process.stdout.write(`${JSON.stringify("measuring")}\n`);
      },
    });
    process.stdout.write(`${JSON.stringify({ ...result, loader: stalls.take() })}\n`);
  }
}
