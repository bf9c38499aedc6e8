import { PUBLIC_INVOICE_RATE_LIMIT_TABLE } from "@cleanops/db";
import { rateLimited } from "@cleanops/http";
import type { RequestHandler } from "express";
import type pg from "pg";
import { RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";

export type LinkRateLimit = { points: number; durationSeconds: number };

/** Enough for a person reloading and paying; far too few to walk the token space. */
export const DEFAULT_LINK_RATE_LIMIT: LinkRateLimit = { points: 60, durationSeconds: 60 };

/**
 * Per-IP limit on link lookups, counted in PostgreSQL (the table of migration 0043), so every instance shares the
 * count. The table exists already: the app role may not create tables, and the library must not try.
 */
export function linkRateLimiter(pool: pg.Pool, limit: LinkRateLimit): RequestHandler {
  const limiter = new RateLimiterPostgres({
    storeClient: pool,
    storeType: "pool",
    tableName: PUBLIC_INVOICE_RATE_LIMIT_TABLE,
    tableCreated: true,
    keyPrefix: "invoice-link",
    points: limit.points,
    duration: limit.durationSeconds,
  });
  return (req, _res, next) => {
    limiter.consume(req.ip ?? "unknown").then(
      () => next(),
      (rejection: unknown) => {
        if (rejection instanceof RateLimiterRes) {
          next(rateLimited("Too many requests; try again later.", { retryAfterSeconds: rejection.msBeforeNext / 1000 }));
        } else next(rejection);
      },
    );
  };
}
