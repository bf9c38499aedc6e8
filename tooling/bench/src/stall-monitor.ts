import { constants, monitorEventLoopDelay, PerformanceObserver, performance, type PerformanceEntry } from "node:perf_hooks";

/**
 * What stopped a server process's event loop during a measurement: V8's garbage collection pauses (from the `gc`
 * performance entries) and the event loop's delay (a timer's lateness, sampled every 5 ms: GC, long
 * synchronous work, or the process waiting for a core). The pauses of at least `keepMs` are kept with their wall-clock
 * start, so that the load generator's slow requests can be laid against them.
 */
export type StallReport = {
  gc: { count: number; total_ms: number; max_ms: number; major: number; major_ms: number };
  loop_delay: { p50_ms: number; p99_ms: number; max_ms: number };
  pauses: { at: number; ms: number; kind: string }[];
};

const KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: "major",
  [constants.NODE_PERFORMANCE_GC_MINOR]: "minor",
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: "incremental",
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: "weakcb",
};

const round = (ms: number) => Math.round(ms * 100) / 100;

export function stallMonitor(keepMs = 2): { take: () => StallReport } {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  let gc = { count: 0, total_ms: 0, max_ms: 0, major: 0, major_ms: 0 };
  let pauses: StallReport["pauses"] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      // A `gc` entry's detail is { kind, flags } (Node's perf_hooks); the type of PerformanceEntry does not say so.
      const detail = (e as PerformanceEntry & { detail?: { kind?: number } | null }).detail;
      const kind = KINDS[detail?.kind ?? -1] ?? "other";
      gc.count += 1;
      gc.total_ms += e.duration;
      gc.max_ms = Math.max(gc.max_ms, e.duration);
      if (kind === "major") {
        gc.major += 1;
        gc.major_ms += e.duration;
      }
      if (e.duration >= keepMs) pauses.push({ at: performance.timeOrigin + e.startTime, ms: round(e.duration), kind });
    }
  });
  observer.observe({ entryTypes: ["gc"] });
  return {
    take() {
      const report: StallReport = {
        gc: { ...gc, total_ms: round(gc.total_ms), max_ms: round(gc.max_ms), major_ms: round(gc.major_ms) },
        loop_delay: {
          p50_ms: round(delay.percentile(50) / 1e6),
          p99_ms: round(delay.percentile(99) / 1e6),
          max_ms: round(delay.max / 1e6),
        },
        pauses,
      };
      gc = { count: 0, total_ms: 0, max_ms: 0, major: 0, major_ms: 0 };
      pauses = [];
      delay.reset();
      return report;
    },
  };
}
