import type { MikroORM } from "@mikro-orm/postgresql";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { Booking } from "../src/entities/index.ts";
import { readTransaction } from "../src/tenancy/read-transaction.ts";
import { sqlRows } from "../src/tenancy/sql-rows.ts";
import { TenantError } from "../src/tenancy/tenant-errors.ts";
import { orgEntityManager } from "../src/tenancy/with-org.ts";
import { openTenantHarness, UNSCOPED_ON_PURPOSE, type TenantHarness } from "../src/testing/index.ts";
import { recording } from "../src/testing/sql-recorder.ts";

const A = "5b2e8d3f-6c4a-4e79-8f1b-2d3c4e5f6a01";
const B = "6c3f9e4a-7d5b-4f8a-9a2c-3e4f5a6b7c02";

const recordedSince = (from: number) => recording.statements.slice(from).map((s) => s.sql.trim().toLowerCase());

describe("readTransaction: one read-only transaction per read, its COMMIT not waited for", () => {
  /** A pool of ONE connection: a read whose COMMIT never released it would block the next read forever. */
  let h: TenantHarness;
  let orm: MikroORM;
  let owner: pg.Client;

  beforeAll(async () => {
    h = await openTenantHarness({ poolMax: 1 });
    ({ orm, owner } = h);
    await h.seedOrg(A, "read-a", 2);
    await h.seedOrg(B, "read-b", 3);
  });
  afterAll(() => h.close());

  it("starts READ ONLY with the org's set_config in one round trip; row-level security shows only that org; COMMIT follows", async () => {
    const from = recording.statements.length;
    const rows = await readTransaction(orgEntityManager(orm, A), (em) =>
      // No org predicate on purpose: the rows the database lets through are the org's alone.
      sqlRows<{ org_id: string }>(em, `${UNSCOPED_ON_PURPOSE} SELECT org_id FROM bookings`, []),
    );
    expect(rows.map((r) => r.org_id)).toEqual([A, A]);
    await vi.waitFor(() => expect(recordedSince(from)).toContain("commit"));
    const sent = recordedSince(from);
    expect(sent[0]).toBe(`start transaction read only; select set_config('app.current_org', '${A}', true)`);
    expect(sent).toHaveLength(3);
    expect(sent.at(-1)).toBe("commit");
  });

  it("the ORM's queries in it take the org too (filter and row-level security)", async () => {
    const bookings = await readTransaction(orgEntityManager(orm, B), (em) => em.find(Booking, {}));
    expect(bookings.map((b) => b.orgId)).toEqual([B, B, B]);
  });

  it("a write inside is refused by PostgreSQL and rolled back; nothing of either org changes", async () => {
    const before = await owner.query(
      `SELECT org_id, count(*)::int AS n, sum(price_cents)::int AS cents FROM bookings GROUP BY org_id ORDER BY org_id`,
    );
    await expect(
      readTransaction(orgEntityManager(orm, A), (em) =>
        sqlRows(em, `UPDATE bookings SET price_cents = 1 WHERE org_id = $1 RETURNING id`, [A]),
      ),
    ).rejects.toMatchObject({ code: "25006" });
    const after = await owner.query(
      `SELECT org_id, count(*)::int AS n, sum(price_cents)::int AS cents FROM bookings GROUP BY org_id ORDER BY org_id`,
    );
    expect(after.rows).toEqual(before.rows);
  });

  it("every read's connection comes back once its COMMIT completes: 30 reads in turn and 10 at once on a pool of one", async () => {
    for (let i = 0; i < 30; i++) {
      const org = i % 2 === 0 ? A : B;
      const [row] = await readTransaction(orgEntityManager(orm, org), (em) =>
        sqlRows<{ n: number }>(em, `SELECT count(*)::int AS n FROM bookings WHERE org_id = $1`, [org]),
      );
      expect(row?.n).toBe(org === A ? 2 : 3);
    }
    const counts = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? A : B)).map((org) =>
        readTransaction(orgEntityManager(orm, org), (em) => em.count(Booking, {})),
      ),
    );
    expect(counts).toEqual([2, 3, 2, 3, 2, 3, 2, 3, 2, 3]);
  });

  it("a read that throws rolls back and gives the connection back", async () => {
    for (let i = 0; i < 3; i++) {
      await expect(
        readTransaction(orgEntityManager(orm, A), async (em) => {
          await em.find(Booking, {});
          throw new Error("boom");
        }),
      ).rejects.toThrow("boom");
    }
    const state = await readTransaction(orgEntityManager(orm, A), (em) =>
      sqlRows<{ org: string; read_only: string }>(
        em,
        `SELECT current_setting('app.current_org', true) AS org, current_setting('transaction_read_only') AS read_only`,
        [],
      ),
    );
    expect(state).toEqual([{ org: A, read_only: "on" }]);
  });

  it("sqlRows refuses outside a transaction (fail closed)", async () => {
    await expect(sqlRows(orgEntityManager(orm, A), `SELECT 1 FROM bookings WHERE org_id = $1`, [A])).rejects.toThrow(TenantError);
  });
});
