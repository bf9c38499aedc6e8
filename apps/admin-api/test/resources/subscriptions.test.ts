import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditRows, signedIn, snapshotOrg, teamOfRoles, type SignedIn } from "../support/staff.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

let t: TestApp;
let roles: Awaited<ReturnType<typeof teamOfRoles>>;
let org: string;

beforeAll(async () => {
  t = await startTestApp();
  roles = await teamOfRoles(t);
  org = roles.owner.org.orgId;
});
afterAll(() => t.close());

async function addon(orgId: string, name: string, priceCents: number, minutes: number): Promise<string> {
  const r = await t.owner.query<{ id: string }>(
    `INSERT INTO addon_definitions (org_id, name, price_cents, currency, duration_minutes) VALUES ($1, $2, $3, 'EUR', $4) RETURNING id`,
    [orgId, name, priceCents, minutes],
  );
  return r.rows[0]?.id ?? "";
}

async function client(who: SignedIn, name: string, address: string | null = "1 Main St"): Promise<string> {
  const res = await request(t.app)
    .post("/clients")
    .set(who.headers)
    .send({ name, ...(address ? { address } : {}) });
  return res.body.id as string;
}

const plan = (who: SignedIn, body: object) => request(t.app).post("/subscriptions").set(who.headers).send(body);
const dueRun = (who: SignedIn, date?: string) =>
  request(t.app)
    .post("/subscriptions/due-run")
    .set(who.headers)
    .send(date ? { date } : {});
const base = { frequency: "weekly", duration_minutes: 90, price_cents: 6000, currency: "EUR" };

async function bookingsOf(subscriptionId: string) {
  const r = await t.owner.query<{
    occurrence_date: string;
    starts_at: Date;
    duration_minutes: number;
    addons: number;
    unit: number | null;
  }>(
    `SELECT to_char(b.occurrence_date, 'YYYY-MM-DD') AS occurrence_date, b.starts_at, b.duration_minutes,
            count(oa.id)::int AS addons, max(oa.unit_price_cents) AS unit
       FROM bookings b LEFT JOIN order_addons oa ON oa.booking_id = b.id
      WHERE b.subscription_id = $1 GROUP BY b.id ORDER BY b.occurrence_date`,
    [subscriptionId],
  );
  return r.rows;
}

describe("a recurring plan", () => {
  it("is created with add-ons by finance, read and listed with filters; dispatchers have no access", async () => {
    const { finance, dispatcher } = roles;
    const c = await client(roles.owner, "Plan client");
    const oven = await addon(org, "Oven", 1500, 30);
    const made = await plan(finance, {
      ...base,
      client_id: c,
      next_booking_at: "2026-03-02T09:00:00Z",
      addons: [{ addon_id: oven, quantity: 2 }],
    });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({
      client_id: c,
      frequency: "weekly",
      status: "active",
      next_booking_at: "2026-03-02T09:00:00.000Z",
      anchor_day: null,
      duration_minutes: 90,
      price_cents: 6000,
      currency: "EUR",
    });
    expect(made.body.addons).toEqual([expect.objectContaining({ addon_id: oven, name: "Oven", quantity: 2 })]);
    const id = made.body.id as string;
    expect((await request(t.app).get(`/subscriptions/${id}`).set(finance.headers)).body.id).toBe(id);
    const listed = await request(t.app).get(`/subscriptions?client_id=${c}&status=active`).set(finance.headers);
    expect((listed.body.items as { id: string }[]).map((s) => s.id)).toEqual([id]);
    expect((await request(t.app).get(`/subscriptions?status=paused&client_id=${c}`).set(finance.headers)).body.items).toEqual([]);
    expect((await plan(dispatcher, { ...base, client_id: c, next_booking_at: "2026-03-02T09:00:00Z" })).status).toBe(403);
    expect((await request(t.app).get(`/subscriptions/${id}`).set(dispatcher.headers)).status).toBe(403);
    expect((await dueRun(dispatcher)).status).toBe(403);
    expect((await auditRows(t, org)).some((a) => a.action === "subscription.created" && a.entity_id === id)).toBe(true);
  });

  it("refuses bad bodies naming the fields, unknown add-ons and clients without an address, writing nothing", async () => {
    const { finance, owner } = roles;
    const noAddress = await client(owner, "Nowhere", null);
    const before = await snapshotOrg(t, org);
    const bad = await plan(finance, { frequency: "daily", duration_minutes: 0, price_cents: -1, currency: "eur", extra: 1 });
    expect(bad.status).toBe(400);
    const fields = (bad.body.error.details.issues as { path: string[] }[]).map((i) => i.path.join("."));
    expect(fields).toEqual(
      expect.arrayContaining(["client_id", "frequency", "next_booking_at", "duration_minutes", "price_cents", "currency", ""]),
    );
    const addressless = await plan(finance, { ...base, client_id: noAddress, next_booking_at: "2026-03-02T09:00:00Z" });
    expect([addressless.status, addressless.body.error.details.issues[0].path]).toEqual([400, ["client_id"]]);
    const c = await client(owner, "Has address");
    const afterClient = await snapshotOrg(t, org);
    const unknown = await plan(finance, {
      ...base,
      client_id: c,
      next_booking_at: "2026-03-02T09:00:00Z",
      addons: [{ addon_id: "00000000-0000-4000-8000-000000000009" }],
    });
    expect(unknown.status).toBe(404);
    expect(await snapshotOrg(t, org)).toEqual(afterClient);
    expect(before).not.toEqual(afterClient);
    const badDate = await dueRun(finance, "2026-02-30");
    expect([badDate.status, badDate.body.error.details.issues[0].path]).toEqual([400, ["date"]]);
  });
});

describe("the due-run", () => {
  // Each due-run test gets its own org: a run books every due plan of the org, and the counts are the point.
  it("books each occurrence once, with add-ons priced and usage metered, however often it runs", async () => {
    const { finance, owner } = await teamOfRoles(t);
    const org = owner.org.orgId;
    const c = await client(owner, "Weekly client", "9 Elm St");
    const oven = await addon(org, "Oven weekly", 1500, 30);
    const id = (
      await plan(finance, { ...base, client_id: c, next_booking_at: "2026-03-02T09:00:00Z", addons: [{ addon_id: oven, quantity: 2 }] })
    ).body.id as string;
    const usageBefore = await t.owner.query(`SELECT count(*)::int AS n FROM organization_usage_events WHERE org_id = $1`, [org]);

    const first = await dueRun(finance, "2026-03-16");
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ date: "2026-03-16", created: 3, existing: 0 });
    const second = await dueRun(finance, "2026-03-16");
    expect(second.body).toMatchObject({ created: 0 });
    expect(await bookingsOf(id)).toEqual(
      ["2026-03-02", "2026-03-09", "2026-03-16"].map((d) => ({
        occurrence_date: d,
        starts_at: new Date(`${d}T09:00:00Z`),
        duration_minutes: 90 + 60,
        addons: 1,
        unit: 1500,
      })),
    );
    const got = await request(t.app).get(`/subscriptions/${id}`).set(finance.headers);
    expect(got.body.next_booking_at).toBe("2026-03-23T09:00:00.000Z");
    const usageAfter = await t.owner.query(`SELECT count(*)::int AS n FROM organization_usage_events WHERE org_id = $1`, [org]);
    expect(usageAfter.rows[0].n - usageBefore.rows[0].n).toBe(3);
    const booking = await t.owner.query<{ id: string }>(`SELECT id FROM bookings WHERE subscription_id = $1 LIMIT 1`, [id]);
    const shown = await request(t.app).get(`/bookings/${booking.rows[0]?.id}`).set(owner.headers);
    expect(shown.body).toMatchObject({ subscription_id: id, total_cents: 6000 + 3000, status: "requested", address: "9 Elm St" });
  });

  it("run concurrently, still books one booking per plan and date", async () => {
    const { finance, admin, owner } = await teamOfRoles(t);
    const c = await client(owner, "Concurrent client");
    const ids: string[] = [];
    for (const frequency of ["weekly", "biweekly", "monthly"]) {
      ids.push((await plan(finance, { ...base, frequency, client_id: c, next_booking_at: "2026-05-01T08:00:00Z" })).body.id as string);
    }
    const runs = await Promise.all([finance, admin, owner, finance, admin, owner].map((who) => dueRun(who, "2026-06-30")));
    expect(runs.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const counts = await t.owner.query<{ subscription_id: string; n: number; distinct_dates: number }>(
      `SELECT subscription_id, count(*)::int AS n, count(DISTINCT occurrence_date)::int AS distinct_dates
         FROM bookings WHERE subscription_id = ANY($1::uuid[]) GROUP BY subscription_id`,
      [ids],
    );
    const byId = new Map(counts.rows.map((r) => [r.subscription_id, r]));
    // May 1 – Jun 30: 9 weekly (May 1 … Jun 26), 5 biweekly (May 1 … Jun 26), 2 monthly (May 1, Jun 1).
    expect(ids.map((i) => [byId.get(i)?.n, byId.get(i)?.distinct_dates])).toEqual([
      [9, 9],
      [5, 5],
      [2, 2],
    ]);
    // Every booking was created by exactly one run; the others saw it as existing.
    const created = runs.reduce((sum, r) => sum + (r.body.created as number), 0);
    expect(created).toBe(16);
    const next = await Promise.all(
      ids.map(async (i) => (await request(t.app).get(`/subscriptions/${i}`).set(finance.headers)).body.next_booking_at as string),
    );
    expect(next).toEqual(["2026-07-03T08:00:00.000Z", "2026-07-10T08:00:00.000Z", "2026-07-01T08:00:00.000Z"]);
  });

  it("keeps a monthly plan of the 31st on the month's last day when shorter, and back on the 31st after", async () => {
    const { finance, owner } = roles;
    const c = await client(owner, "Month-end client");
    const made = await plan(finance, { ...base, frequency: "monthly", client_id: c, next_booking_at: "2027-12-31T10:00:00Z" });
    expect(made.body.anchor_day).toBe(31);
    const id = made.body.id as string;
    await dueRun(finance, "2028-04-30");
    expect((await bookingsOf(id)).map((b) => b.occurrence_date)).toEqual([
      "2027-12-31",
      "2028-01-31",
      "2028-02-29",
      "2028-03-31",
      "2028-04-30",
    ]);
    expect((await request(t.app).get(`/subscriptions/${id}`).set(finance.headers)).body.next_booking_at).toBe("2028-05-31T10:00:00.000Z");
  });

  it("books nothing for paused and cancelled plans; cancelling is final; resuming skips what was missed", async () => {
    const { finance, owner } = roles;
    const c = await client(owner, "Pausing client");
    const paused = (await plan(finance, { ...base, client_id: c, next_booking_at: "2026-01-05T09:00:00Z" })).body.id as string;
    const cancelled = (await plan(finance, { ...base, client_id: c, next_booking_at: "2026-01-05T09:00:00Z" })).body.id as string;
    expect((await request(t.app).post(`/subscriptions/${paused}/pause`).set(finance.headers)).body.status).toBe("paused");
    expect((await request(t.app).post(`/subscriptions/${cancelled}/cancel`).set(finance.headers)).body.status).toBe("cancelled");
    await dueRun(finance, "2026-02-01");
    expect(await bookingsOf(paused)).toEqual([]);
    expect(await bookingsOf(cancelled)).toEqual([]);
    const again = await request(t.app).post(`/subscriptions/${paused}/pause`).set(finance.headers);
    expect([again.status, again.body.error.code]).toEqual([409, "invalid_transition"]);
    const resume = await request(t.app).post(`/subscriptions/${cancelled}/resume`).set(finance.headers);
    expect([resume.status, resume.body.error.code]).toEqual([409, "invalid_transition"]);
    const resumed = await request(t.app).post(`/subscriptions/${paused}/resume`).set(finance.headers);
    expect(resumed.body.status).toBe("active");
    // The missed Mondays are skipped: the next one is on or after today (the test clock's real date).
    const today = t.clock.now().toISOString().slice(0, 10);
    expect((resumed.body.next_booking_at as string).slice(0, 10) >= today).toBe(true);
    expect(new Date(resumed.body.next_booking_at as string).getUTCDay()).toBe(1);
    const actions = (await auditRows(t, org)).filter((a) => a.entity_id === paused).map((a) => a.action);
    expect(actions).toEqual(["subscription.created", "subscription.paused", "subscription.resumed"]);
  });
});

describe("plans across orgs", () => {
  it("another org's plan and client are 404, and its due-run and rows stay untouched", async () => {
    const them = await signedIn(t, "owner");
    const theirClient = await client(them, "Theirs");
    const theirPlan = (await plan(them, { ...base, client_id: theirClient, next_booking_at: "2026-03-02T09:00:00Z" })).body.id as string;
    const before = await snapshotOrg(t, them.org.orgId);
    const { finance } = roles;
    expect((await request(t.app).get(`/subscriptions/${theirPlan}`).set(finance.headers)).status).toBe(404);
    for (const verb of ["pause", "resume", "cancel"]) {
      expect((await request(t.app).post(`/subscriptions/${theirPlan}/${verb}`).set(finance.headers)).status).toBe(404);
    }
    expect((await plan(finance, { ...base, client_id: theirClient, next_booking_at: "2026-03-02T09:00:00Z" })).status).toBe(404);
    await dueRun(finance, "2026-12-31");
    expect(await snapshotOrg(t, them.org.orgId)).toEqual(before);
    expect(await bookingsOf(theirPlan)).toEqual([]);
  });
});
