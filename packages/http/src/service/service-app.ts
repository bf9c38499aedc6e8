import express, { type Express, type Router } from "express";
import type { Logger } from "pino";
import { errorHandler, notFoundHandler } from "../errors/error-handler.ts";
import { createHealthRouter, HEALTH_PATHS, type ReadinessCheck } from "../health/health-router.ts";
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
};

/**
 * One Express app with the platform pieces every CleanOps service shares, in the one order that is right:
 * request id → request logging → JSON body → health → domain routers → 404 → error handler.
 * It does not listen; `startServer` does, and tests drive it with supertest.
 */
export function createServiceApp(options: ServiceAppOptions): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", options.trustProxy ?? false);

  app.use(requestId(options.requestId));
  app.use(requestLogger({ logger: options.logger, quietPaths: HEALTH_PATHS }));
  app.use(express.json({ limit: options.jsonLimit }));

  app.use(createHealthRouter({ checkReadiness: options.checkReadiness, logger: options.logger }));
  for (const router of options.routers ?? []) app.use(router);

  app.use(notFoundHandler());
  app.use(errorHandler({ logger: options.logger }));
  return app;
}
