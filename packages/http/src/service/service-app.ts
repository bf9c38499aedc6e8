import express, { type Express, type Router } from "express";
import helmet, { type HelmetOptions } from "helmet";
import type { Logger } from "pino";
import { errorHandler, notFoundHandler } from "../errors/error-handler.ts";
import { createHealthRouter, HEALTH_PATHS, type ReadinessCheck } from "../health/health-router.ts";
import { fairShare, type FairShareOptions } from "../request/fair-share.ts";
import { requestId, type RequestIdOptions } from "../request/request-id.ts";
import { requestLogger } from "../request/request-logger.ts";

export type ServiceAppOptions = {
  logger: Logger;
  checkReadiness: ReadinessCheck;
  /** Largest JSON body accepted (bytes or a string like "100kb"); larger ones get 413 `payload_too_large`. */
  jsonLimit: number | string;
  /** The app's domain routers, mounted after the platform middleware and before the 404 and error handlers. */
  routers?: readonly Router[];
  requestId?: RequestIdOptions;
  /** Express "trust proxy": set it when the app runs behind a known reverse proxy. Default off. */
  trustProxy?: boolean | number | string;
  /** helmet's options (its strict defaults otherwise: CSP `default-src 'self'`, nosniff, frame denial, HSTS…). */
  helmet?: HelmetOptions;
  /**
   * The Cache-Control every response starts with: `no-store` by default, since the APIs answer with private data and
   * tokens that no cache may keep. A route can still set its own.
   */
  cacheControl?: string;
  /** Rewrites a path before it is logged, to keep secrets that travel in paths (invoice link tokens) out of logs. */
  redactPath?: (path: string) => string;
  /** Middleware that must see the raw body (webhook signatures), mounted before the JSON parser. */
  beforeJson?: readonly Router[];
  /** Turns between orgs for the domain routers (request/fair-share.ts); health answers outside it. Default: none. */
  fairShare?: FairShareOptions;
};

/**
 * One Express app with the platform pieces every CleanOps service shares, in the one order that is right:
 * request id → request logging → security headers → raw-body routes → JSON body → health → turns between orgs → domain
 * routers → 404 →
 * error handler.
 * It does not listen; `startServer` does, and tests drive it with supertest.
 */
export function createServiceApp(options: ServiceAppOptions): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", options.trustProxy ?? false);

  app.use(requestId(options.requestId));
  app.use(
    requestLogger({ logger: options.logger, quietPaths: HEALTH_PATHS, ...(options.redactPath ? { redactPath: options.redactPath } : {}) }),
  );
  app.use(helmet(options.helmet));
  const cacheControl = options.cacheControl ?? "no-store";
  app.use((_req, res, next) => {
    res.setHeader("Cache-Control", cacheControl);
    next();
  });
  for (const router of options.beforeJson ?? []) app.use(router);
  app.use(express.json({ limit: options.jsonLimit }));

  app.use(createHealthRouter({ checkReadiness: options.checkReadiness, logger: options.logger }));
  if (options.fairShare) app.use(fairShare(options.fairShare));
  for (const router of options.routers ?? []) app.use(router);

  app.use(notFoundHandler());
  app.use(errorHandler({ logger: options.logger }));
  return app;
}
