import { checkReadiness } from "@cleanops/db";
import type { ReadinessCheck } from "@cleanops/http";
import type pg from "pg";

/** Invoice links resolve through the database: public-invoices is ready when it answers and is fully migrated. */
export function publicInvoicesReadiness(pool: pg.Pool): ReadinessCheck {
  return () => checkReadiness(pool);
}
