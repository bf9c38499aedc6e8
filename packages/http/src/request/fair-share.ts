import { AsyncResource } from "node:async_hooks";
import type { Request, RequestHandler } from "express";
import { rateLimited } from "../errors/app-error.ts";

export type FairShareOptions = {
  /** Requests of all orgs running at once; the rest wait in their org's queue. */
  concurrency: number;
  /** Requests of one org running at once (default: `concurrency`): below it, one org never has every slot. */
  maxRunningPerKey?: number;
  /** Requests one org may have waiting; more are refused with 429 `rate_limited` (that org only). */
  maxQueuedPerKey: number;
  /**
   * Whose turn a request takes: the org of a verified token, or one shared key for everything else (sign-in, public
   * routes). Only for scheduling: authentication still happens behind the gate. A cheap, synchronous answer.
   */
  keyOf: (req: Request) => string;
};

export type FairShareStats = { running: number; queued: number; keys: number };

/** A waiting request: how to start it, and whether its client is still there. */
type Waiting = { start: () => void; gone: () => boolean };

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
  let running = 0;
  let queued = 0;
  let tick = 0;
  /** Per key with anything running or waiting: its running count, its waiting requests, when it last started one. */
  const keys = new Map<string, { running: number; waiting: Waiting[]; lastStart: number }>();

  const entry = (key: string) => {
    let e = keys.get(key);
    if (!e) {
      e = { running: 0, waiting: [], lastStart: 0 };
      keys.set(key, e);
    }
    return e;
  };
  const forgetIfIdle = (key: string) => {
    const e = keys.get(key);
    if (e && e.running === 0 && e.waiting.length === 0) keys.delete(key);
  };
  const begin = (key: string) => {
    const e = entry(key);
    e.running += 1;
    e.lastStart = ++tick;
    running += 1;
  };

  const startNext = () => {
    while (running < options.concurrency) {
      let best: { key: string; running: number; lastStart: number; waiting: Waiting[] } | undefined;
      for (const [key, e] of keys) {
        if (e.waiting.length === 0 || e.running >= perKey) continue;
        if (!best || e.running < best.running || (e.running === best.running && e.lastStart < best.lastStart)) best = { key, ...e };
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
      begin(best.key);
      next.start();
    }
  };

  const handler: RequestHandler = (req, res, next) => {
    const key = options.keyOf(req);
    let started = false;
    let ended = false;
    const waiting: Waiting = {
      // Started later from another request's 'close': bound to THIS request's async context, so nothing of the other
      // request's (AsyncLocalStorage stores: the ORM's transaction context, the scoped driver's BEGIN) leaks into it.
      start: AsyncResource.bind(() => {
        started = true;
        next();
      }),
      // Not `req.destroyed`: a request whose body was read is destroyed too (autoDestroy), though its client waits.
      gone: () => res.writableEnded || req.socket.destroyed,
    };
    // 'close' follows every response, finished or aborted: the slot is given back exactly once.
    res.once("close", () => {
      if (ended) return;
      ended = true;
      const e = keys.get(key);
      if (started) {
        running -= 1;
        if (e) e.running -= 1;
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
    if (running < options.concurrency && queued === 0 && (keys.get(key)?.running ?? 0) < perKey) {
      begin(key);
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
    e.waiting.push(waiting);
    queued += 1;
    startNext();
  };
  return Object.assign(handler, { stats: (): FairShareStats => ({ running, queued, keys: keys.size }) });
}
