import { entities, orgEntityManager, ormOptions, readTransaction, sqlRows, tenantOrmOptions, TENANT_FILTER, withOrg } from "@cleanops/db";
import { CompiledQuery, type Kysely } from "kysely";
import { MikroORM } from "@mikro-orm/postgresql";
import pg from "pg";

export type ScopingVariant = { name: string; medianMs: number; p95Ms: number };
/**
 * `overheadMs`: what scoping costs the apps' request path (a read transaction with the org's set_config, a statement
 * by `sqlRows`, against the same statement on the same pool without any); `ormEntityOverheadMs`: the same for a
 * `withOrg` + `findOne` against an unscoped `findOne` (entities, tenant filter, flush at commit); `pgOverheadMs`: plain pg
 * opening and ending its transaction the same way as the apps (pipelined, a read's COMMIT not waited for).
 */
export type ScopingResult = { overheadMs: number; ormEntityOverheadMs: number; pgOverheadMs: number; variants: ScopingVariant[] };

/**
 * The cost of tenant scoping for one read: a booking by id (in the largest org), with and without the per-request
 * transaction, set_config, tenant filter and row-level security, through plain pg and through the ORM. One connection
 * each; the variants take turns on every iteration so that the machine's noise (shared cores) hits them alike.
 */
export async function measureScoping(ownerUrl: string, appUrl: string, orgId: string, iterations: number): Promise<ScopingResult> {
  const ownerPool = new pg.Pool({ connectionString: ownerUrl, max: 1 });
  const appPool = new pg.Pool({ connectionString: appUrl, max: 1, pipeline: true });
  const plainOrm = await MikroORM.init(ormOptions(ownerUrl, { pool: { min: 1, max: 1 } }));
  const scopedOrm = await MikroORM.init(tenantOrmOptions(ormOptions(appUrl, { pool: { min: 1, max: 1 } })));
  try {
    const ids = (await ownerPool.query<{ id: string }>(`SELECT id FROM bookings WHERE org_id = $1 LIMIT 2000`, [orgId])).rows.map(
      (r) => r.id,
    );
    const idAt = (i: number) => ids[i % ids.length] ?? "";
    const sql = `SELECT * FROM bookings WHERE org_id = $1 AND id = $2`;
    const variants: [string, (i: number) => Promise<unknown>][] = [
      ["pg: one query (owner, no RLS)", (i) => ownerPool.query(sql, [orgId, idAt(i)])],
      [
        "pg: BEGIN+set_config (one round trip), query, COMMIT (app role, RLS)",
        async (i) => {
          const c = await appPool.connect();
          try {
            await c.query(`BEGIN; SELECT set_config('app.current_org', '${orgId}', true)`);
            await c.query(sql, [orgId, idAt(i)]);
            await c.query("COMMIT");
          } finally {
            c.release();
          }
        },
      ],
      [
        "pg: the same, pipelined: READ ONLY+set_config sent with the query, COMMIT not waited for",
        async (i) => {
          const c = await appPool.connect();
          const prelude = c.query(`START TRANSACTION READ ONLY; SELECT set_config('app.current_org', '${orgId}', true)`);
          try {
            await Promise.all([prelude, c.query(sql, [orgId, idAt(i)])]);
          } catch (err) {
            await c.query("ROLLBACK").catch(() => undefined);
            c.release();
            throw err;
          }
          c.query("COMMIT").then(
            () => c.release(),
            (err: unknown) => c.release(err instanceof Error ? err : new Error(String(err))),
          );
        },
      ],
      [
        "orm: findOne, no scoping (owner)",
        (i) => plainOrm.em.fork().findOne(entities.Booking, { id: idAt(i), orgId }, { filters: { [TENANT_FILTER]: false } }),
      ],
      [
        "orm: withOrg + findOne (filter, transaction, set_config, app role, RLS)",
        (i) => withOrg(scopedOrm, orgId, (em) => em.findOne(entities.Booking, { id: idAt(i) })),
      ],
      [
        "app path: the statement on the ORM's pool, no scoping (owner)",
        (i) =>
          plainOrm.em
            .getConnection()
            .getClient<Kysely<unknown>>()
            .executeQuery(CompiledQuery.raw(sql, [orgId, idAt(i)])),
      ],
      [
        "app path: readTransaction + sqlRows (transaction, set_config, app role, RLS)",
        (i) => readTransaction(orgEntityManager(scopedOrm, orgId), (em) => sqlRows(em, sql, [orgId, idAt(i)])),
      ],
    ];
    const samples = variants.map(() => [] as number[]);
    const warmup = Math.min(300, iterations);
    for (let i = 0; i < warmup + iterations; i++) {
      for (let k = 0; k < variants.length; k++) {
        const v = (k + i) % variants.length;
        const t0 = performance.now();
        await variants[v]?.[1](i);
        if (i >= warmup) samples[v]?.push(performance.now() - t0);
      }
    }
    const stats = samples.map((s, k) => {
      s.sort((a, b) => a - b);
      const at = (q: number) => s[Math.min(s.length - 1, Math.floor(s.length * q))] ?? 0;
      return { name: variants[k]?.[0] ?? "", medianMs: at(0.5), p95Ms: at(0.95) };
    });
    const m = (k: number) => stats[k]?.medianMs ?? 0;
    return { overheadMs: m(6) - m(5), ormEntityOverheadMs: m(4) - m(3), pgOverheadMs: m(2) - m(0), variants: stats };
  } finally {
    await plainOrm.close(true);
    await scopedOrm.close(true);
    await ownerPool.end();
    await appPool.end();
  }
}
