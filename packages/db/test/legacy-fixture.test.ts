import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fillLegacyFixture, plannedFixtureCounts, type FixtureCounts } from "../src/fixture/legacy-fixture.ts";
import { TENANT_TABLES } from "../src/migrations/tenant-tables.ts";
import { withDatabaseName } from "../src/postgres/pool.ts";
import { createTestDatabase, type TestDatabase } from "../src/testing/index.ts";

const ALL_TABLES = ["organizations", "organization_billing", "organization_usage_events", ...TENANT_TABLES.map((t) => t.name)];
const BASE = "2026-01-01T00:00:00Z";

type Event = { table: string; done: number; total: number };

async function withClient<T>(db: TestDatabase, work: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}

async function tableCounts(c: pg.Client): Promise<FixtureCounts> {
  const out: FixtureCounts = {};
  for (const t of ALL_TABLES) {
    const r = await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`);
    out[t] = r.rows[0]?.n ?? -1;
  }
  return out;
}

async function one<T extends pg.QueryResultRow>(c: pg.Client, sql: string): Promise<T> {
  const r = await c.query<T>(sql);
  const row = r.rows[0];
  if (!row) throw new Error(`no row from: ${sql}`);
  return row;
}

describe("legacy fixture", () => {
  const dbs: TestDatabase[] = [];
  const fresh = async (): Promise<TestDatabase> => {
    const db = await createTestDatabase("legacy");
    dbs.push(db);
    return db;
  };
  afterAll(async () => {
    for (const db of dbs) await db.drop();
  });

  it("plans rows in every table, proportional to the bookings", () => {
    const small = plannedFixtureCounts(1);
    const big = plannedFixtureCounts(100_000);
    expect(Object.keys(small).sort()).toEqual([...ALL_TABLES].sort());
    for (const t of ALL_TABLES) expect(small[t], t).toBeGreaterThan(0);
    expect(big.bookings).toBe(100_000);
    expect(big.client_users).toBe(25_000);
    expect(big.invoices).toBeGreaterThan(70_000);
    expect(big.invoices).toBeLessThan(90_000);
    expect(big.order_addons).toBe(50_000);
    expect(() => plannedFixtureCounts(0)).toThrow(RangeError);
  });

  describe("with 2,000 bookings", () => {
    let c: pg.Client;
    let counts: FixtureCounts;
    const events: Event[] = [];
    beforeAll(async () => {
      const db = await fresh();
      c = new pg.Client({ connectionString: db.url });
      await c.connect();
      counts = await fillLegacyFixture(c, { bookings: 2_000, seed: 42, onProgress: (e) => events.push(e) });
    });
    afterAll(async () => {
      await c.end();
    });

    it("fills every table with exactly the planned rows", async () => {
      expect(counts).toEqual(plannedFixtureCounts(2_000));
      expect(await tableCounts(c)).toEqual(counts);
      for (const t of ALL_TABLES) expect(counts[t], t).toBeGreaterThan(0);
    });

    it("reports progress for every table up to its total", () => {
      for (const t of ALL_TABLES) {
        const mine = events.filter((e) => e.table === t);
        expect(mine.length, t).toBeGreaterThan(0);
        const last = mine.at(-1);
        expect(last?.done, t).toBe(counts[t]);
        expect(last?.total, t).toBe(counts[t]);
        for (let n = 1; n < mine.length; n++) expect(mine[n]?.done ?? 0).toBeGreaterThanOrEqual(mine[n - 1]?.done ?? 0);
      }
    });

    it("is the single legacy company", async () => {
      const org = await one<{ org_id: number; name: string; slug: string; plan: string }>(
        c,
        `SELECT o.org_id, o.name, o.slug, b.plan FROM organizations o JOIN organization_billing b USING (org_id)`,
      );
      expect(org).toEqual({ org_id: 1, name: "Sparkle Cleaning Co", slug: "sparkle", plan: "pro" });
      const next = await one<{ n: number }>(c, `SELECT nextval(pg_get_serial_sequence('organizations', 'org_id'))::int AS n`);
      expect(next.n).toBe(2);
    });

    it("numbers invoices gaplessly from the INV sequence", async () => {
      const r = await one<{ max: number; n: number; next_value: number; width_ok: boolean }>(
        c,
        `SELECT max(substr(number, 5)::int) AS max, count(*)::int AS n,
           (SELECT next_value FROM invoice_number_sequences WHERE prefix = 'INV') AS next_value,
           bool_and(number ~ '^INV-[0-9]{6}$') AS width_ok
         FROM invoices`,
      );
      expect(r.max).toBe(r.n);
      expect(r.next_value).toBe(r.max + 1);
      expect(r.width_ok).toBe(true);
    });

    it("keeps money consistent between invoices, items and payments", async () => {
      const items = await one<{ bad: number }>(
        c,
        `SELECT count(*)::int AS bad FROM invoices i
         JOIN (SELECT invoice_id, sum(quantity * unit_price_cents) AS sub,
                 sum(quantity * unit_price_cents * tax_rate_bps / 10000) AS tax
               FROM invoice_items GROUP BY invoice_id) s ON s.invoice_id = i.id
         WHERE s.sub <> i.subtotal_cents OR s.tax <> i.tax_cents`,
      );
      expect(items.bad).toBe(0);
      const paid = await one<{ bad: number; paid: number }>(
        c,
        `SELECT count(*) FILTER (WHERE coalesce(p.sum, 0) <> i.amount_paid_cents)::int AS bad,
                count(*) FILTER (WHERE i.status = 'paid')::int AS paid
         FROM invoices i LEFT JOIN (SELECT invoice_id, sum(amount_cents) AS sum FROM invoice_payments GROUP BY invoice_id) p
           ON p.invoice_id = i.id`,
      );
      expect(paid.bad).toBe(0);
      expect(paid.paid).toBeGreaterThan(0);
      const fullyPaid = await one<{ bad: number }>(
        c,
        `SELECT count(*)::int AS bad FROM invoices
         WHERE (status = 'paid') <> (amount_paid_cents = total_cents AND paid_at IS NOT NULL)
            OR (status = 'draft') <> (issued_at IS NULL)`,
      );
      expect(fullyPaid.bad).toBe(0);
      const currencies = await one<{ bad: number }>(
        c,
        `SELECT count(*)::int AS bad FROM invoice_payments p JOIN invoices i ON i.id = p.invoice_id
         WHERE p.currency <> i.currency OR p.received_at < i.issued_at`,
      );
      expect(currencies.bad).toBe(0);
    });

    it("satisfies every foreign key, even though the fill may skip the per-row checks", async () => {
      const fks = await c.query<{ name: string; child: string; parent: string; cols: string[]; refs: string[] }>(
        `SELECT con.conname AS name, con.conrelid::regclass::text AS child, con.confrelid::regclass::text AS parent,
           array(SELECT quote_ident(attname) FROM unnest(con.conkey) WITH ORDINALITY k(n, o)
                 JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.o) AS cols,
           array(SELECT quote_ident(attname) FROM unnest(con.confkey) WITH ORDINALITY k(n, o)
                 JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.o) AS refs
         FROM pg_constraint con JOIN pg_namespace ns ON ns.oid = con.connamespace
         WHERE con.contype = 'f' AND ns.nspname = current_schema()`,
      );
      expect(fks.rows.length).toBeGreaterThanOrEqual(40);
      for (const fk of fks.rows) {
        const match = fk.cols.map((col, n) => `p.${fk.refs[n] ?? "?"} = x.${col}`).join(" AND ");
        const present = fk.cols.map((col) => `x.${col} IS NOT NULL`).join(" AND ");
        const r = await one<{ bad: number }>(
          c,
          `SELECT count(*)::int AS bad FROM ${fk.child} x
           WHERE ${present} AND NOT EXISTS (SELECT 1 FROM ${fk.parent} p WHERE ${match})`,
        );
        expect(r.bad, fk.name).toBe(0);
      }
    });

    it("uses version 4 uuids, like gen_random_uuid(), unique across tables", async () => {
      const ids = TENANT_TABLES.map((t) => `SELECT id FROM ${t.name}`).join(" UNION ALL ");
      const r = await one<{ n: number; distinct: number; v4: boolean }>(
        c,
        `SELECT count(*)::int AS n, count(DISTINCT id)::int AS distinct,
           bool_and(id::text ~ '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$') AS v4
         FROM (${ids}) t`,
      );
      expect(r.distinct).toBe(r.n);
      expect(r.v4).toBe(true);
    });

    it("leaves the session as it found it", async () => {
      const r = await one<{ jit: string; role: string; temps: number }>(
        c,
        `SELECT current_setting('jit') AS jit, current_setting('session_replication_role') AS role,
           (SELECT count(*)::int FROM pg_class WHERE relpersistence = 't' AND relname LIKE 'legacy_fixture%') AS temps`,
      );
      expect(r).toEqual({ jit: "on", role: "origin", temps: 0 });
    });

    it("relates children to the right parents", async () => {
      const r = await one<Record<string, number>>(
        c,
        `SELECT
           (SELECT count(*)::int FROM invoices i JOIN bookings b ON b.id = i.booking_id
             WHERE b.client_id <> i.client_id OR b.status <> 'completed') AS invoice_booking,
           (SELECT count(*)::int FROM bookings b WHERE NOT EXISTS (SELECT 1 FROM client_users u WHERE u.id = b.client_id)) AS orphan_booking,
           (SELECT count(*)::int FROM checklist_runs r JOIN bookings b ON b.id = r.booking_id
             WHERE b.status NOT IN ('completed', 'in_progress')) AS run_status,
           (SELECT count(*)::int FROM checklist_runs r
             WHERE (SELECT count(*) FROM checklist_run_items x WHERE x.run_id = r.id)
                <> (SELECT count(*) FROM checklist_template_items t WHERE t.template_id = r.template_id)) AS run_items,
           (SELECT count(*)::int FROM invoices i WHERE i.status <> 'draft'
             AND NOT EXISTS (SELECT 1 FROM invoice_public_tokens t WHERE t.invoice_id = i.id)) AS missing_token,
           (SELECT count(*)::int FROM disputes d JOIN invoice_payments p ON p.id = d.payment_id
             WHERE p.invoice_id <> d.invoice_id OR d.amount_cents > p.amount_cents) AS dispute_payment,
           (SELECT count(*)::int FROM referral_credits r JOIN invoices i ON i.id = r.redeemed_invoice_id
             WHERE i.client_id <> r.client_id) AS credit_invoice,
           (SELECT count(*)::int FROM order_addons o JOIN addon_definitions a ON a.id = o.addon_id
             WHERE o.unit_price_cents <> a.price_cents) AS addon_price,
           (SELECT count(*)::int FROM workers w JOIN order_photos p ON p.worker_id = w.id JOIN bookings b ON b.id = p.booking_id
             WHERE w.team_id IS NOT NULL AND w.team_id <> b.team_id) AS photo_worker,
           (SELECT count(*)::int FROM stripe_events s
             WHERE s.type = 'payment_intent.succeeded'
               AND NOT EXISTS (SELECT 1 FROM invoice_payments p WHERE p.provider_payment_id = s.payload #>> '{data,object,id}')) AS stripe_payment`,
      );
      for (const [check, bad] of Object.entries(r)) expect(bad, check).toBe(0);
    });

    it("dates history in the two years before the base time", async () => {
      const r = await one<{ future_created: number; oldest: Date; newest_booking: Date }>(
        c,
        `SELECT
           (SELECT count(*)::int FROM (
              SELECT created_at FROM client_users UNION ALL SELECT created_at FROM bookings
              UNION ALL SELECT created_at FROM invoices UNION ALL SELECT received_at FROM invoice_payments
              UNION ALL SELECT created_at FROM email_events UNION ALL SELECT created_at FROM admin_audit_logs
              UNION ALL SELECT created_at FROM financial_adjustment_events UNION ALL SELECT created_at FROM checklist_runs) t
            WHERE created_at > '${BASE}') AS future_created,
           (SELECT min(starts_at) FROM bookings) AS oldest,
           (SELECT max(starts_at) FROM bookings WHERE status IN ('completed', 'cancelled')) AS newest_booking`,
      );
      expect(r.future_created).toBe(0);
      const base = Date.parse(BASE);
      expect(base - r.oldest.getTime()).toBeGreaterThan(700 * 86_400_000);
      expect(r.newest_booking.getTime()).toBeLessThan(base);
    });

    it("refuses a database that already has data", async () => {
      await expect(fillLegacyFixture(c, { bookings: 10 })).rejects.toThrow(/already has data/);
    });
  });

  it("fills every table even with a single booking", async () => {
    const db = await fresh();
    const counts = await withClient(db, (c) => fillLegacyFixture(c, { bookings: 1 }));
    expect(counts).toEqual(plannedFixtureCounts(1));
    const actual = await withClient(db, tableCounts);
    expect(actual).toEqual(counts);
    for (const t of ALL_TABLES) expect(actual[t], t).toBeGreaterThan(0);
  });

  it("passes the foreign key triggers when the role may not skip them", async (ctx) => {
    const db = await fresh();
    const role = `fixture_${randomBytes(4).toString("hex")}`;
    const password = randomBytes(12).toString("hex");
    const allowed = await withClient(db, async (c) => {
      const r = await one<{ ok: boolean }>(c, `SELECT rolsuper OR rolcreaterole AS ok FROM pg_roles WHERE rolname = current_user`);
      if (!r.ok) return false;
      await c.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
      await c.query(`GRANT ALL ON ALL TABLES IN SCHEMA public TO ${role}`);
      await c.query(`GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO ${role}`);
      await c.query(`GRANT TEMP ON DATABASE ${db.name} TO ${role}`);
      return true;
    });
    if (!allowed) ctx.skip();
    try {
      const url = new URL(db.url);
      url.username = role;
      url.password = password;
      const c = new pg.Client({ connectionString: url.toString() });
      await c.connect();
      try {
        const counts = await fillLegacyFixture(c, { bookings: 300 });
        expect(counts).toEqual(plannedFixtureCounts(300));
        const r = await one<{ role: string }>(c, `SELECT current_setting('session_replication_role') AS role`);
        expect(r.role).toBe("origin");
      } finally {
        await c.end();
      }
    } finally {
      // The role owns privileges in this database only; once it is gone the role can go too.
      await db.drop();
      dbs.splice(dbs.indexOf(db), 1);
      const admin = new pg.Client({ connectionString: withDatabaseName(db.url, "postgres") });
      await admin.connect();
      await admin.query(`DROP ROLE IF EXISTS ${role}`).finally(() => admin.end());
    }
  });

  it("produces identical rows for one seed, whatever the session time zone", async () => {
    const checksums = async (db: TestDatabase, timeZone: string, seed: number): Promise<Record<string, string>> =>
      withClient(db, async (c) => {
        await c.query(`SET TimeZone = '${timeZone}'`);
        await fillLegacyFixture(c, { bookings: 300, seed });
        await c.query(`SET TimeZone = 'UTC'`);
        const out: Record<string, string> = {};
        for (const t of ALL_TABLES) {
          const r = await one<{ sum: string }>(c, `SELECT md5(string_agg(x::text, '|' ORDER BY x::text)) AS sum FROM ${t} x`);
          out[t] = r.sum;
        }
        return out;
      });
    const a = await checksums(await fresh(), "UTC", 7);
    const b = await checksums(await fresh(), "America/New_York", 7);
    const other = await checksums(await fresh(), "UTC", 8);
    expect(b).toEqual(a);
    expect(other.bookings).not.toBe(a.bookings);
  });
});
