import { createServiceApp } from "@cleanops/http";
import type { Express } from "express";
import type pg from "pg";
import type { Logger } from "pino";
import { publicInvoicesReadiness } from "./health/readiness.ts";

/** Anyone on the internet can reach this app; nothing it accepts needs more than a few fields. */
export const PUBLIC_INVOICES_JSON_LIMIT = "16kb";

export type PublicInvoicesDeps = {
  pool: pg.Pool;
  logger: Logger;
};

/**
 * Customer-facing invoice links: unauthenticated, internet-facing, read-mostly.
 * Builds the app without listening (server.ts listens; tests use supertest). Request id, request logging, the
 * JSON body limit, /healthz and /readyz, the 404 and the error handler come from createServiceApp, in that order;
 * domain routers (one folder per domain under src/) go in `routers`.
 */
export function createApp(deps: PublicInvoicesDeps): Express {
  return createServiceApp({
    logger: deps.logger,
    jsonLimit: PUBLIC_INVOICES_JSON_LIMIT,
    checkReadiness: publicInvoicesReadiness(deps.pool),
    routers: [],
  });
}
