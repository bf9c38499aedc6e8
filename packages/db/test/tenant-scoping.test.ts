import { MikroORM } from "@mikro-orm/postgresql";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AddonDefinition, Booking, ClientUser, OrderAddon, Team } from "../src/entities/index.ts";
import { allocateInvoiceNumber } from "../src/invoices/invoice-numbers.ts";
import { ormOptions } from "../src/orm/orm-config.ts";
import { tenantOrmOptions } from "../src/tenancy/tenant-orm.ts";
import { TenantError } from "../src/tenancy/tenant-errors.ts";
import { withOrg } from "../src/tenancy/with-org.ts";
import { asAppRole, createTestDatabase, UNSCOPED_ON_PURPOSE, type TestDatabase } from "../src/testing/index.ts";

const A = "3f0c6b2a-9d1e-4c57-8a2b-6e4d1f0a9c31";
const B = "8e2d4a1c-7b3f-4e69-9c0d-2a5b8f1e6d72";
const U = UNSCOPED_ON_PURPOSE;

type Seeded = { client: string; team: string; booking: string };

/** Each org gets a client, a team and a booking, written by the owner (who sees every org). */
async function seed(owner: pg.Client): Promise<Record<"A" | "B", Seeded>> {
  const out = {} as Record<"A" | "B", Seeded>;
  for (const [key, org] of [
    ["A", A],
    ["B", B],
  ] as const) {
    await owner.query(`INSERT INTO organizations (org_id, name, slug) VALUES ($1, $2, $3)`, [
      org,
      `Org ${key}`,
      `scoping-${key.toLowerCase()}`,
    ]);
    await owner.query(`INSERT INTO invoice_number_sequences (org_id, prefix) VALUES ($1, 'INV')`, [org]);
    const c = await owner.query<{ id: string }>(`INSERT INTO client_users (org_id, name) VALUES ($1, $2) RETURNING id`, [
      org,
      `Client ${key}`,
    ]);
    const t = await owner.query<{ id: string }>(`INSERT INTO teams (org_id, name) VALUES ($1, $2) RETURNING id`, [org, `Team ${key}`]);
    const b = await owner.query<{ id: string }>(
      `INSERT INTO bookings (org_id, client_id, team_id, starts_at, duration_minutes, address, price_cents, currency, notes)
       VALUES ($1, $2, $3, now(), 90, $4, 9000, 'USD', 'original') RETURNING id`,
      [org, c.rows[0]?.id, t.rows[0]?.id, `${key} street`],
    );
    out[key] = { client: c.rows[0]?.id ?? "", team: t.rows[0]?.id ?? "", booking: b.rows[0]?.id ?? "" };
  }
  return out;
}

describe("every way MikroORM reaches a row is stopped at the org boundary", () => {
  let db: TestDatabase;
  let owner: pg.Client;
  let orm: MikroORM;
  let rows: Record<"A" | "B", Seeded>;

  /** B's booking as the owner sees it: it must never change, whatever A's session tries. */
  async function bookingB(): Promise<{ notes: string | null; org_id: string; address: string }> {
    const r = await owner.query<{ notes: string | null; org_id: string; address: string }>(
      `SELECT notes, org_id, address FROM bookings WHERE id = $1`,
      [rows.B.booking],
    );
    const row = r.rows[0];
    if (!row) throw new Error("B's booking is gone");
    return row;
  }

  beforeAll(async () => {
    db = await createTestDatabase("head");
    owner = new pg.Client({ connectionString: db.url });
    await owner.connect();
    rows = await seed(owner);
    orm = await MikroORM.init(tenantOrmOptions(ormOptions(asAppRole(db.url), { pool: { min: 0, max: 8 } })));
  });
  afterAll(async () => {
    await orm.close(true);
    await owner.end();
    await db.drop();
  });

  it("find, findOne and count see only the org's own rows", async () => {
    await withOrg(orm, A, async (em) => {
      const all = await em.find(Booking, {});
      expect(all.map((b) => b.id)).toEqual([rows.A.booking]);
      expect(await em.findOne(Booking, { id: rows.B.booking })).toBeNull();
      expect(await em.count(Booking, {})).toBe(1);
      expect(await em.count(ClientUser, { id: rows.B.client })).toBe(0);
    });
  });

  it.each(["joined", "select-in"] as const)("populate (%s) reaches only the org's related rows", async (strategy) => {
    await withOrg(orm, A, async (em) => {
      const teams = await em.find(Team, {}, { populate: ["workers"], strategy });
      expect(teams.map((t) => t.id)).toEqual([rows.A.team]);
      const bookings = await em.find(Booking, {}, { populate: ["client", "team"], strategy });
      expect(bookings.map((b) => [b.client.id, b.team?.id])).toEqual([[rows.A.client, rows.A.team]]);
      const clients = await em.find(ClientUser, { id: { $in: [rows.A.client, rows.B.client] } }, { populate: ["bookings"], strategy });
      expect(clients.map((c) => c.id)).toEqual([rows.A.client]);
    });
  });

  it("a QueryBuilder without applyFilters() still sees only the org (row-level security)", async () => {
    await withOrg(orm, A, async (em) => {
      const found = await em.createQueryBuilder(Booking).select(["id"]).comment(U).execute<{ id: string }[]>("all", false);
      expect(found.map((r) => r.id)).toEqual([rows.A.booking]);
    });
  });

  it("nativeUpdate and nativeDelete by another org's id change nothing", async () => {
    const before = await bookingB();
    await withOrg(orm, A, async (em) => {
      expect(await em.nativeUpdate(Booking, { id: rows.B.booking }, { notes: "overwritten" })).toBe(0);
      expect(await em.nativeDelete(Booking, { id: rows.B.booking })).toBe(0);
    });
    expect(await bookingB()).toEqual(before);
  });

  it("a flushed entity cannot move to another org", async () => {
    await expect(
      withOrg(orm, A, async (em) => {
        const mine = await em.findOneOrFail(Booking, { id: rows.A.booking });
        mine.orgId = B;
        await em.flush();
      }),
    ).rejects.toMatchObject({ code: "tenant_mismatch" });
    const a = await owner.query(`SELECT org_id FROM bookings WHERE id = $1`, [rows.A.booking]);
    expect(a.rows).toEqual([{ org_id: A }]);
  });

  it("getReference + remove, and getReference + change, are refused before any SQL", async () => {
    const before = await bookingB();
    await expect(
      withOrg(orm, A, async (em) => {
        em.remove(em.getReference(Booking, rows.B.booking));
        await em.flush();
      }),
    ).rejects.toMatchObject({ code: "tenant_unloaded_write" });
    await expect(
      withOrg(orm, A, async (em) => {
        const ref = em.getReference(Booking, rows.B.booking);
        ref.notes = "via reference";
        await em.flush();
      }),
    ).rejects.toBeInstanceOf(TenantError);
    expect(await bookingB()).toEqual(before);
  });

  it("upsert and insert of another org's row are refused by PostgreSQL", async () => {
    const before = await bookingB();
    await expect(
      withOrg(orm, A, (em) =>
        em.upsert(Booking, {
          id: rows.B.booking,
          orgId: A,
          client: rows.A.client,
          startsAt: new Date(),
          durationMinutes: 30,
          address: "taken over",
          priceCents: 1,
          currency: "USD",
        }),
      ),
    ).rejects.toMatchObject({ code: "42501" });
    await expect(withOrg(orm, A, (em) => em.insert(ClientUser, { orgId: B, name: "planted" }))).rejects.toMatchObject({ code: "42501" });
    expect(await bookingB()).toEqual(before);
    const planted = await owner.query(`SELECT 1 FROM client_users WHERE name = 'planted'`);
    expect(planted.rowCount).toBe(0);
  });

  it("raw execute sees and changes only the org's rows", async () => {
    const before = await bookingB();
    await withOrg(orm, A, async (em) => {
      const seen = await em.execute<{ id: string }[]>(`${U} SELECT id FROM bookings`);
      expect(seen.map((r) => r.id)).toEqual([rows.A.booking]);
      const res = await em.execute(`${U} UPDATE bookings SET notes = 'raw' WHERE id = ?`, [rows.B.booking], "run");
      expect(res).toMatchObject({ affectedRows: 0 });
    });
    expect(await bookingB()).toEqual(before);
  });

  it("a new row takes the context's org; another org's row is refused", async () => {
    const id = await withOrg(orm, A, async (em) => {
      const c = em.create(ClientUser, { name: "Fresh" });
      await em.flush();
      return c.id;
    });
    const r = await owner.query(`SELECT org_id FROM client_users WHERE id = $1`, [id]);
    expect(r.rows).toEqual([{ org_id: A }]);
    await expect(
      withOrg(orm, A, async (em) => {
        em.create(ClientUser, { name: "Elsewhere", orgId: B });
        await em.flush();
      }),
    ).rejects.toMatchObject({ code: "tenant_mismatch" });
  });

  it("a new row beside a loaded one with unloaded references flushes: the references are not stamped into updates", async () => {
    const made = await withOrg(orm, A, async (em) => {
      // The booking is loaded, its client and team are references only; the new add-on row cascades to it.
      const booking = await em.findOneOrFail(Booking, rows.A.booking);
      const addon = em.create(AddonDefinition, { name: "Cascade check", priceCents: 100, currency: "USD" });
      const line = em.create(OrderAddon, { booking, addon, quantity: 1, unitPriceCents: 100 });
      await em.flush();
      return line.id;
    });
    const r = await owner.query(`SELECT org_id FROM order_addons WHERE id = $1`, [made]);
    expect(r.rows).toEqual([{ org_id: A }]);
  });

  it("a reference to another org's row is refused: by the guard when loaded, by the composite key when not", async () => {
    const clientOfB = await withOrg(orm, B, (em) => em.findOneOrFail(ClientUser, { id: rows.B.client }));
    await expect(
      withOrg(orm, A, async (em) => {
        em.create(Booking, { client: clientOfB, startsAt: new Date(), durationMinutes: 60, address: "x", priceCents: 1, currency: "USD" });
        await em.flush();
      }),
    ).rejects.toMatchObject({ code: "tenant_cross_org_reference" });
    await expect(
      withOrg(orm, A, async (em) => {
        em.create(Booking, {
          client: em.getReference(ClientUser, rows.B.client),
          startsAt: new Date(),
          durationMinutes: 60,
          address: "x",
          priceCents: 1,
          currency: "USD",
        });
        await em.flush();
      }),
    ).rejects.toMatchObject({ code: "23503" });
    const n = await owner.query<{ n: number }>(`SELECT count(*)::int AS n FROM bookings WHERE client_id = $1`, [rows.B.client]);
    expect(n.rows[0]?.n).toBe(1);
  });

  it("without an org context nothing is read or written", async () => {
    const em = orm.em.fork();
    await expect(em.find(Booking, {})).rejects.toThrow(/tenant/);
    em.create(ClientUser, { name: "Orphan", orgId: A });
    await expect(em.flush()).rejects.toMatchObject({ code: "tenant_context_missing" });
    await expect(withOrg(orm, "not-an-org", () => Promise.resolve())).rejects.toMatchObject({ code: "tenant_invalid_org" });
  });

  it("allocates 50 concurrent invoice numbers of one org as 50 distinct consecutive numbers; orgs number independently", async () => {
    const numbers = await Promise.all(Array.from({ length: 50 }, () => withOrg(orm, A, (em) => allocateInvoiceNumber(em))));
    const sorted = [...numbers].sort();
    expect(sorted).toEqual(Array.from({ length: 50 }, (_, i) => `INV-${String(i + 1).padStart(6, "0")}`));
    expect(await withOrg(orm, B, (em) => allocateInvoiceNumber(em))).toBe("INV-000001");
    // A number taken in a transaction that rolls back is not spent: no gaps.
    await expect(
      withOrg(orm, A, async (em) => {
        await allocateInvoiceNumber(em);
        throw new Error("invoice not saved");
      }),
    ).rejects.toThrow("invoice not saved");
    expect(await withOrg(orm, A, (em) => allocateInvoiceNumber(em))).toBe("INV-000051");
  });
});
