import { createServiceApp } from "@cleanops/http";
import type { Express } from "express";
import type pg from "pg";
import type { Logger } from "pino";
import { adminApiReadiness } from "./health/readiness.ts";

/** Staff send the largest bodies: bulk schedule edits and CSV-sized imports. */
export const ADMIN_API_JSON_LIMIT = "1mb";

export type AdminApiDeps = {
  pool: pg.Pool;
  logger: Logger;
};

/**
 * Staff back office API (bookings, invoicing, payroll, settings).
 * Builds the app without listening (server.ts listens; tests use supertest). Request id, request logging, the
 * JSON body limit, /healthz and /readyz, the 404 and the error handler come from createServiceApp, in that order;
 * domain routers (one folder per domain under src/) go in `routers`.
 */
export function createApp(deps: AdminApiDeps): Express {
  return createServiceApp({
    logger: deps.logger,
    jsonLimit: ADMIN_API_JSON_LIMIT,
    checkReadiness: adminApiReadiness(deps.pool),
    routers: [],
  });
}
