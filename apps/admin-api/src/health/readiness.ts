import { checkReadiness } from "@cleanops/db";
import type { ReadinessCheck } from "@cleanops/http";
import type pg from "pg";

/** Staff cannot work without the database, so admin-api is ready exactly when it answers and is fully migrated. */
export function adminApiReadiness(pool: pg.Pool): ReadinessCheck {
  return () => checkReadiness(pool);
}
