import http from "node:http";
import type { LoadResult } from "./load.ts";
import type { ReqFactory } from "./targets.ts";

const TIMEOUT_MS = 10_000;

/** The value at quantile `q` of ascending `sorted` (nearest rank), in ms with two decimals. */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const v = sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
  return Math.round(v * 100) / 100;
}

/** How many requests `pacedLoad` sends with these settings, warm-up included (what a caller making them in advance needs). */
export const pacedRequestCount = (o: { seconds: number; rate: number; warmupSeconds?: number }): number =>
  Math.round(o.rate * (o.warmupSeconds ?? 0)) + Math.max(1, Math.round(o.rate * o.seconds));

/**
 * An open-loop load at a fixed rate with requests evenly spaced in time: request i is due at start + i / rate,
 * whatever the previous answers did. Latency is measured from the moment a request was DUE, so a request that waited
 * for a free connection (the server fell behind) counts its wait: no coordinated omission.
 *
 * Why not autocannon's `overallRate`: it lets each connection send back to back until its per-second quota is spent
 * and then pauses until the next second, so "half the maximum rate" is the maximum rate for half of every second,
 * and its correction records extra samples at a 1 ms expected interval: its p50 and p99 at a fixed rate describe
 * bursts of a closed loop, not a server at half load.
 */
export async function pacedLoad(
  url: string,
  make: ReqFactory,
  o: {
    seconds: number;
    rate: number;
    connections: number;
    slowMs?: number;
    /**
     * Seconds at the same rate before the measured part, on the same connections, recorded nowhere: the server and
     * PostgreSQL reach their steady state at this rate first (right after a CHECKPOINT, every page's first change
     * writes a full page image to the WAL, and the first half second of a write scenario queued behind that burst).
     */
    warmupSeconds?: number;
    /** Called once, when the first measured request is due (after the warm-up). */
    onMeasureStart?: () => void;
  },
): Promise<LoadResult> {
  const target = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.connections });
  const warmup = Math.round(o.rate * (o.warmupSeconds ?? 0));
  const total = pacedRequestCount(o);
  const interval = 1000 / o.rate;
  const latencies: number[] = [];
  const lateness: number[] = [];
  const slowMs = o.slowMs ?? 25;
  const slow: { at: number; ms: number }[] = [];
  let non2xx = 0;
  let errors = 0;
  const inFlight = new Set<Promise<void>>();

  const fire = (due: number, measured: boolean) => {
    // The generator's own delay (its process descheduled, its event loop busy) counts in the latency, as it must for a
    // client; kept apart too, to tell a stall of the load generator from one of the server.
    if (measured) lateness.push(performance.now() - due);
    const r = make();
    const done = new Promise<void>((resolve) => {
      const req = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: r.method,
          path: r.path,
          headers: r.body ? { ...r.headers, "content-length": Buffer.byteLength(r.body) } : r.headers,
          agent,
          timeout: TIMEOUT_MS,
        },
        (res) => {
          res.resume();
          res.on("end", () => {
            if (measured && (res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300) {
              const ms = performance.now() - due;
              latencies.push(ms);
              if (ms > slowMs) slow.push({ at: performance.timeOrigin + due, ms });
            } else if (measured) non2xx += 1;
            resolve();
          });
          res.on("error", () => {
            if (measured) errors += 1;
            resolve();
          });
        },
      );
      req.on("timeout", () => req.destroy(new Error("timeout")));
      req.on("error", () => {
        if (measured) errors += 1;
        resolve();
      });
      req.end(r.body);
    });
    inFlight.add(done);
    void done.then(() => inFlight.delete(done));
  };

  const start = performance.now();
  const measuredFrom = start + warmup * interval;
  let next = 0;
  while (next < total) {
    const now = performance.now();
    while (next < total && start + next * interval <= now) {
      if (next === warmup) o.onMeasureStart?.();
      fire(start + next * interval, next >= warmup);
      next += 1;
    }
    if (next < total) {
      const wait = start + next * interval - performance.now();
      await new Promise<void>((resolve) => (wait > 1 ? setTimeout(resolve, Math.floor(wait)) : setImmediate(resolve)));
    }
  }
  await Promise.all([...inFlight]);
  const elapsedS = (performance.now() - measuredFrom) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  lateness.sort((a, b) => a - b);
  return {
    lateP99: quantile(lateness, 0.99),
    slow,
    rps: latencies.length / Math.max(o.seconds, elapsedS),
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    requests: latencies.length + non2xx + errors,
    non2xx,
    errors,
  };
}
