import { raw, type FilterQuery } from "@mikro-orm/core";
import { assertOrgId } from "../tenancy/tenant-filter.ts";

export type KeysetCursor = { createdAt: Date; id: string };

/**
 * The rows after `cursor` in `created_at DESC, id DESC` order. The position is read back from the cursor's own row
 * (with its microseconds, which a JS Date drops), so rows created in the same millisecond are neither skipped nor
 * repeated; the millisecond in the cursor only stands in when that row is gone. The subquery carries the org too.
 */
export function keysetAfter<T>(table: string, orgId: string, cursor: KeysetCursor | undefined): FilterQuery<T> {
  if (!cursor) return {};
  assertOrgId(orgId);
  const fragment = raw(
    (alias: string) =>
      `(${alias}.created_at, ${alias}.id) < (coalesce((select k.created_at from ${table} k where k.org_id = ? and k.id = ?), ?::timestamptz), ?::uuid)`,
    [orgId, cursor.id, cursor.createdAt.toISOString(), cursor.id],
  );
  return { [fragment]: [] } as FilterQuery<T>;
}

/** The order of every list: newest first, ties broken by id so the order is total. */
export const NEWEST_FIRST = { createdAt: "desc", id: "desc" } as const;
