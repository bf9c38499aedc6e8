import type { MigrationContext } from "./migration-context.ts";
import { onlineMigration } from "./online-ddl.ts";
import type { SqlMigrationClass } from "./sql-migration.ts";

export const BOOKINGS_STATUS_LIST_INDEX = "bookings_org_id_status_created_at_id_idx";

/**
 * admin-api's booking list filtered by status (`GET /bookings?status=…`, newest first, 50 a page) had only
 * `(org_id, status)` (no order) or `(org_id, created_at)` (then filter) to choose from. `pnpm bench` on 1,000,000
 * bookings: for the largest org (285,000 bookings) PostgreSQL walked (org_id, created_at) backwards and threw away
 * 2,900–11,700 rows of other statuses per page, 9–21 ms per list (docs/benchmarks.md). With the status in the index
 * ahead of the order, a page is 51 index entries read backwards. Built CONCURRENTLY: bookings stay writable.
 */
export function createM0049(ctx: MigrationContext): SqlMigrationClass {
  return onlineMigration(ctx, {
    up: (ddl) => ddl.ensureIndexConcurrently("bookings", BOOKINGS_STATUS_LIST_INDEX, ["org_id", "status", "created_at", "id"], false),
    down: (ddl) =>
      ddl.run("bookings: drop index", [`DROP INDEX CONCURRENTLY IF EXISTS ${BOOKINGS_STATUS_LIST_INDEX}`], { transaction: false }),
  });
}
