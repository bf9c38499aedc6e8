import autocannon from "autocannon";
import type { ReqFactory } from "./targets.ts";

export type LoadResult = {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
  /** pacedLoad only: how late the load generator itself sent its requests (p99, ms), counted in `p99` too. */
  lateP99?: number;
  /** pacedLoad only: the requests slower than its `slowMs` (wall-clock due time, ms since the epoch; latency). */
  slow?: { at: number; ms: number }[];
};

/**
 * One closed-loop autocannon run from this process against a server in another: each connection sends its next
 * request when the previous one is answered (the maximum). Bounded in time and per-request timeout; every request
 * is made fresh by `make`. Latency at a fixed rate is `pacedLoad`'s (paced-load.ts says why not autocannon's).
 */
export async function load(url: string, make: ReqFactory, o: { seconds: number; connections: number }): Promise<LoadResult> {
  const result = await autocannon({
    url,
    connections: o.connections,
    duration: o.seconds,
    timeout: 10,
    requests: [
      {
        setupRequest: (req) => {
          const r = make();
          return { ...req, method: r.method, path: r.path, headers: r.headers, ...(r.body ? { body: r.body } : {}) };
        },
      },
    ],
  });
  const requests = result.requests.total;
  return {
    rps: requests / o.seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}
