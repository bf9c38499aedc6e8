import { createServiceApp } from "@cleanops/http";
import type { Express } from "express";
import type pg from "pg";
import type { Logger } from "pino";
import { workerPortalReadiness } from "./health/readiness.ts";

/** Checklist submissions and notes; photos are uploaded elsewhere, never as JSON. */
export const WORKER_PORTAL_JSON_LIMIT = "256kb";

export type WorkerPortalDeps = {
  pool: pg.Pool;
  logger: Logger;
};

/**
 * Cleaners' portal API (today's jobs, checklists, time tracking).
 * Builds the app without listening (server.ts listens; tests use supertest). Request id, request logging, the
 * JSON body limit, /healthz and /readyz, the 404 and the error handler come from createServiceApp, in that order;
 * domain routers (one folder per domain under src/) go in `routers`.
 */
export function createApp(deps: WorkerPortalDeps): Express {
  return createServiceApp({
    logger: deps.logger,
    jsonLimit: WORKER_PORTAL_JSON_LIMIT,
    checkReadiness: workerPortalReadiness(deps.pool),
    routers: [],
  });
}
