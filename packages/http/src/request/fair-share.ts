import { AsyncResource } from "node:async_hooks";
import type { Request, RequestHandler } from "express";
import { rateLimited } from "../errors/app-error.ts";

export type FairShareOptions = {
  /** Requests of all orgs running at once; the rest wait in their org's queue. */
  concurrency: number;
  /** Requests of one org running at once (default: `concurrency`): below it, one org never has every slot. */
  maxRunningPerKey?: number;
  /**
   * When set, and while other orgs are about (one of them sent a request in the last `presenceMs`), one org's
   * requests take turns ONE at a time: the next starts when the org has nothing running, or when everything it has
   * running has run this long (an upload from a slow phone or a long report steps aside for the org's next request,
   * up to `maxRunningPerKey`). On a machine with few cores, two short requests of a large org at once already fill
   * the CPU that a small org's request then waits for (pnpm bench's noisy neighbour). An org alone on the server may
   * run up to `maxRunningPerKey` at once: nobody is there to wait.
   */
  stepAsideMs?: number;
  /** How long an org counts as "about" after its last request, for `stepAsideMs` (default 1000 ms). */
  presenceMs?: number;
  /** The clock of `stepAsideMs` and `presenceMs`, in ms (default `performance.now`; tests set their own). */
  now?: () => number;
  /** Requests one org may have waiting; more are refused with 429 `rate_limited` (that org only). */
  maxQueuedPerKey: number;
  /**
   * Whose turn a request takes: the org of a verified token, or one shared key for everything else (sign-in, public
   * routes). Only for scheduling: authentication still happens behind the gate. A cheap, synchronous answer.
   */
  keyOf: (req: Request) => string;
};

export type FairShareStats = { running: number; queued: number; keys: number };

/** A waiting request: how to start it, whether its client is still there, and when it started (once running). */
type Waiting = { start: () => void; gone: () => boolean; startedAt: number };

/**
 * Admission in turns between orgs (one server's share of fairness between tenants): at most `concurrency` requests
 * run; when one ends, the next to start is the oldest waiting request of the org with the FEWEST requests running
 * (ties: the org that started one least recently), not the oldest request overall. A large org's burst then queues
 * behind itself, and a small org's request waits for one slot to free instead of for the whole burst: `pnpm bench`'s
 * noisy-neighbour measurement (docs/benchmarks.md).
 */
export function fairShare(options: FairShareOptions): RequestHandler & { stats(): FairShareStats } {
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1)
    throw new Error("fairShare: concurrency must be a positive integer");
  const perKey = options.maxRunningPerKey ?? options.concurrency;
  const stepAsideMs = options.stepAsideMs;
  const presenceMs = options.presenceMs ?? 1000;
  const clock = options.now ?? (() => performance.now());
  /** Keys that sent a request lately, with when (pruned now and then, so stale ones linger by a quarter at most). */
  const seen = new Map<string, number>();
  let prunedAt = 0;
  const arrive = (key: string, now: number) => {
    if (stepAsideMs === undefined) return;
    seen.set(key, now);
    if (now - prunedAt < presenceMs / 4) return;
    prunedAt = now;
    for (const [k, at] of seen) if (now - at > presenceMs) seen.delete(k);
  };
  const othersAbout = (key: string) => seen.size > (seen.has(key) ? 1 : 0);
  let running = 0;
  let queued = 0;
  let tick = 0;
  /**
   * Per key with anything running or waiting: when each of its running requests started (ms; as many as are running),
   * its waiting requests, and when it last started one (a turn counter, for ties).
   */
  type Entry = { starts: number[]; waiting: Waiting[]; lastStart: number };
  const keys = new Map<string, Entry>();

  const entry = (key: string) => {
    let e = keys.get(key);
    if (!e) {
      e = { starts: [], waiting: [], lastStart: 0 };
      keys.set(key, e);
    }
    return e;
  };
  /** When the youngest of the key's running requests started. */
  const youngest = (e: Entry) => Math.max(...e.starts);
  /**
   * Whether this key may start one more now. With `stepAsideMs` and other orgs about, the youngest of its running
   * requests (so every one of them) must have run that long.
   */
  const mayStart = (key: string, e: Entry | undefined, now: number): boolean => {
    if (!e || e.starts.length === 0) return true;
    if (e.starts.length >= perKey) return false;
    return stepAsideMs === undefined || now - youngest(e) >= stepAsideMs || !othersAbout(key);
  };
  /** One timer for the moment the earliest key blocked only by `stepAsideMs` may start again. */
  let wakeAt = Infinity;
  let wake: NodeJS.Timeout | undefined;
  const wakeLater = (at: number) => {
    if (at >= wakeAt) return;
    if (wake) clearTimeout(wake);
    wakeAt = at;
    wake = setTimeout(
      () => {
        wake = undefined;
        wakeAt = Infinity;
        startNext();
      },
      Math.max(1, at - clock()),
    );
    wake.unref();
  };
  const forgetIfIdle = (key: string) => {
    const e = keys.get(key);
    if (e && e.starts.length === 0 && e.waiting.length === 0) keys.delete(key);
  };
  const begin = (key: string, w: Waiting) => {
    const e = entry(key);
    w.startedAt = clock();
    e.starts.push(w.startedAt);
    e.lastStart = ++tick;
    running += 1;
  };

  function startNext(): void {
    while (running < options.concurrency) {
      const now = clock();
      let best: { key: string; running: number; lastStart: number; waiting: Waiting[] } | undefined;
      for (const [key, e] of keys) {
        if (e.waiting.length === 0) continue;
        if (!mayStart(key, e, now)) {
          if (stepAsideMs !== undefined && e.starts.length < perKey) wakeLater(youngest(e) + stepAsideMs);
          continue;
        }
        const n = e.starts.length;
        if (!best || n < best.running || (n === best.running && e.lastStart < best.lastStart))
          best = { key, running: n, lastStart: e.lastStart, waiting: e.waiting };
      }
      const next = best?.waiting.shift();
      if (!best || !next) return;
      queued -= 1;
      // A client that left while waiting (its socket destroyed, its 'close' not yet delivered) gets no work started:
      // nobody would read the answer, and a shutting-down server would start queries on a closing pool.
      if (next.gone()) {
        forgetIfIdle(best.key);
        continue;
      }
      begin(best.key, next);
      next.start();
    }
  }

  const handler: RequestHandler = (req, res, next) => {
    const key = options.keyOf(req);
    let started = false;
    let ended = false;
    const waiting: Waiting = {
      start: () => {
        started = true;
        next();
      },
      // Not `req.destroyed`: a request whose body was read is destroyed too (autoDestroy), though its client waits.
      gone: () => res.writableEnded || req.socket.destroyed,
      startedAt: 0,
    };
    // 'close' follows every response, finished or aborted: the slot is given back exactly once.
    res.once("close", () => {
      if (ended) return;
      ended = true;
      const e = keys.get(key);
      if (started) {
        running -= 1;
        const at = e?.starts.indexOf(waiting.startedAt) ?? -1;
        if (e && at >= 0) e.starts.splice(at, 1);
        forgetIfIdle(key);
        startNext();
        return;
      }
      // The client left while waiting: its turn is dropped.
      const at = e?.waiting.indexOf(waiting) ?? -1;
      if (e && at >= 0) {
        e.waiting.splice(at, 1);
        queued -= 1;
        forgetIfIdle(key);
      }
    });
    const now = clock();
    arrive(key, now);
    if (running < options.concurrency && queued === 0 && mayStart(key, keys.get(key), now)) {
      begin(key, waiting);
      waiting.start();
      return;
    }
    const e = entry(key);
    if (e.waiting.length >= options.maxQueuedPerKey) {
      ended = true;
      forgetIfIdle(key);
      next(rateLimited("Too many requests of this organization at once. Try again shortly.", { retryAfterSeconds: 1 }));
      return;
    }
    // Started later from another request's 'close': bound to THIS request's async context, so nothing of the other
    // request's (AsyncLocalStorage stores: the ORM's transaction context, the scoped driver's BEGIN) leaks into it.
    waiting.start = AsyncResource.bind(waiting.start);
    e.waiting.push(waiting);
    queued += 1;
    startNext();
  };
  return Object.assign(handler, { stats: (): FairShareStats => ({ running, queued, keys: keys.size }) });
}
