import { Router } from "express";
import type { Logger } from "pino";
import { loggerFor } from "../request/request-logger.ts";
import { publicRoute } from "../request-context/route-access.ts";

/** `@cleanops/db`'s `checkReadiness(pool)` has this shape. */
export type Readiness = {
  ready: boolean;
  database: "up" | "down";
  pendingMigrations: string[];
};

export type ReadinessCheck = () => Promise<Readiness>;

export type HealthRouterOptions = {
  checkReadiness: ReadinessCheck;
  /** Answer 503 rather than hang when the check takes longer than this. Default 3000 ms. */
  timeoutMs?: number;
  /** For checks that throw instead of reporting "down". */
  logger?: Logger;
};

export const HEALTH_PATHS = ["/healthz", "/readyz"] as const;

const DOWN: Readiness = { ready: false, database: "down", pendingMigrations: [] };

async function withTimeout(check: ReadinessCheck, timeoutMs: number): Promise<Readiness | "timeout"> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  try {
    return await Promise.race([check(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `GET /healthz`: the process is up (liveness; touches nothing else).
 * `GET /readyz`: the database answers and is fully migrated (readiness), else 503 with what is missing.
 */
export function createHealthRouter(options: HealthRouterOptions): Router {
  const timeoutMs = options.timeoutMs ?? 3_000;
  const router = Router();

  router.get("/healthz", publicRoute("liveness probe"), (_req, res) => {
    res.set("Cache-Control", "no-store").json({ status: "ok" });
  });

  router.get("/readyz", publicRoute("readiness probe"), async (req, res) => {
    let readiness: Readiness;
    try {
      const result = await withTimeout(options.checkReadiness, timeoutMs);
      if (result === "timeout") {
        loggerFor(req, options.logger)?.warn({ timeoutMs }, "readiness check timed out");
        readiness = DOWN;
      } else {
        readiness = result;
      }
    } catch (err) {
      loggerFor(req, options.logger)?.error({ err }, "readiness check failed");
      readiness = DOWN;
    }
    const ready = readiness.ready && readiness.database === "up" && readiness.pendingMigrations.length === 0;
    res
      .status(ready ? 200 : 503)
      .set("Cache-Control", "no-store")
      .json({
        status: ready ? "ready" : "not_ready",
        database: readiness.database,
        pending_migrations: readiness.pendingMigrations,
      });
  });

  return router;
}
