import { checkReadiness } from "@cleanops/db";
import type { ReadinessCheck } from "@cleanops/http";
import type pg from "pg";

/**
 * Every job, checklist and clock-in lives in the database: worker-portal is ready when it answers and is fully
 * migrated.
 */
export function workerPortalReadiness(pool: pg.Pool): ReadinessCheck {
  return () => checkReadiness(pool);
}
