import type { EntityManager } from "@mikro-orm/postgresql";
import { CompiledQuery, type QueryResult } from "kysely";
import { TenantError } from "./tenant-errors.ts";

type Executor = { executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>> };

/**
 * The rows of one statement with `$1…` parameters (bound by PostgreSQL, never spliced into the text), sent on the
 * transaction `em` has open: `readTransaction`'s or `mutate`'s, which began with the org's `set_config`, so row-level
 * security applies exactly as to the ORM's own queries. For the hot reads measured by `pnpm bench`, where building
 * and hydrating entities cost several times the query itself. Outside a transaction it refuses (fail closed): a
 * statement here never runs without the org's context.
 *
 * The statement must still name its org (`org_id = $1`): row-level security is the last guard, not the filter.
 */
export async function sqlRows<R extends object>(em: EntityManager, sql: string, params: readonly unknown[]): Promise<R[]> {
  const trx = em.getTransactionContext<never>() as Executor | undefined;
  if (!trx) throw new TenantError("tenant_context_missing", "sqlRows runs only inside an org's transaction (readTransaction or mutate)");
  const result = await trx.executeQuery<R>(CompiledQuery.raw(sql, [...params]));
  return result.rows;
}

/**
 * A timestamptz column as an ISO 8601 UTC string with milliseconds (what `new Date()` parses and the API shows): the
 * ORM's connections return timestamps as text in the session's style, which is not one `Date` reliably parses.
 */
export const isoUtc = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
