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
    (alias: string) => keysetPredicate(table, alias, { org: "?", id: "?", createdAt: "?", idAgain: "?" }),
    [orgId, cursor.id, cursor.createdAt.toISOString(), cursor.id],
  );
  return { [fragment]: [] } as FilterQuery<T>;
}

/**
 * The same predicate for plain SQL (`sqlRows`): `param` adds a value to the statement's parameters and returns its
 * placeholder (`$n`).
 */
export function keysetAfterSql(
  table: string,
  alias: string,
  orgId: string,
  cursor: KeysetCursor,
  param: (value: unknown) => string,
): string {
  assertOrgId(orgId);
  const id = param(cursor.id);
  return keysetPredicate(table, alias, { org: param(orgId), id, createdAt: param(cursor.createdAt.toISOString()), idAgain: id });
}

function keysetPredicate(table: string, alias: string, p: { org: string; id: string; createdAt: string; idAgain: string }): string {
  return `(${alias}.created_at, ${alias}.id) < (coalesce((select k.created_at from ${table} k where k.org_id = ${p.org} and k.id = ${p.id}), ${p.createdAt}::timestamptz), ${p.idAgain}::uuid)`;
}

/** The order of every list: newest first, ties broken by id so the order is total. */
export const NEWEST_FIRST = { createdAt: "desc", id: "desc" } as const;
