import type pg from "pg";
import { BUSINESS_ENTITIES } from "../entities/index.ts";

/**
 * One digest per business table of everything one org owns, read as the owner (row-level security does not hide
 * rows from it): "the other org's rows are unchanged" is `expect(await orgChecksums(c, b)).toEqual(before)`.
 */
export async function orgChecksums(owner: pg.ClientBase, orgId: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entity of BUSINESS_ENTITIES) {
    const table = entity.meta.tableName;
    const res = await owner.query<{ n: number; digest: string | null }>(
      `SELECT count(*)::int AS n, md5(string_agg(md5(t::text), '' ORDER BY md5(t::text))) AS digest FROM ${table} t WHERE t.org_id = $1`,
      [orgId],
    );
    out[table] = `${res.rows[0]?.n ?? 0}:${res.rows[0]?.digest ?? ""}`;
  }
  return out;
}
