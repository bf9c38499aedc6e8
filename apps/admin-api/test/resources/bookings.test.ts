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

// Rows the booking flow needs from other resources, written as the owner.
async function team(orgId: string, name: string, hours: [number, string, string][] = [], timezone = "UTC"): Promise<string> {
  const id =
    (await t.owner.query<{ id: string }>(`INSERT INTO teams (org_id, name) VALUES ($1, $2) RETURNING id`, [orgId, name])).rows[0]?.id ?? "";
  for (const [weekday, from, to] of hours) {
    await t.owner.query(
      `INSERT INTO team_working_hours (org_id, team_id, weekday, starts_at_local, ends_at_local, timezone) VALUES ($1, $2, $3, $4, $5, $6)`,
      [orgId, id, weekday, from, to, timezone],
    );
  }
  return id;
}

async function addon(
  orgId: string,
  name: string,
  priceCents: number,
  minutes: number,
  options: { currency?: string; active?: boolean } = {},
) {
  const r = await t.owner.query<{ id: string }>(
    `INSERT INTO addon_definitions (org_id, name, price_cents, currency, duration_minutes, active) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [orgId, name, priceCents, options.currency ?? "EUR", minutes, options.active ?? true],
  );
  return r.rows[0]?.id ?? "";
}

async function client(who: SignedIn, name = "Client", address: string | null = "1 Main St"): Promise<string> {
  const res = await request(t.app)
    .post("/clients")
    .set(who.headers)
    .send({ name, ...(address ? { address } : {}) });
  return res.body.id as string;
}

const book = (who: SignedIn, body: object) => request(t.app).post("/bookings").set(who.headers).send(body);
const base = { duration_minutes: 120, price_cents: 9000, currency: "EUR" };

describe("a job from booking to completion", () => {
  it("books with add-ons (prices copied, durations added, usage metered), assigns, confirms, starts and completes", async () => {
    const { dispatcher, owner } = roles;
    const c = await client(owner, "Flow client", "5 Oak Rd");
    const fridge = await addon(org, "Inside fridge", 2500, 30);
    const windows = await addon(org, "Windows", 1000, 15);
    const made = await book(dispatcher, {
      ...base,
      client_id: c,
      starts_at: "2026-01-14T09:00:00+01:00",
      notes: "Key under the mat",
      addons: [
        { addon_id: fridge, quantity: 1 },
        { addon_id: windows, quantity: 3 },
      ],
    });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({
      status: "requested",
      client_id: c,
      team_id: null,
      address: "5 Oak Rd",
      starts_at: "2026-01-14T08:00:00.000Z",
      duration_minutes: 120 + 30 + 45,
      ends_at: "2026-01-14T11:15:00.000Z",
      price_cents: 9000,
      addons_total_cents: 2500 + 3000,
      total_cents: 14500,
    });
    expect(made.body.addons).toEqual([
      expect.objectContaining({ addon_id: fridge, name: "Inside fridge", quantity: 1, unit_price_cents: 2500 }),
      expect.objectContaining({ addon_id: windows, name: "Windows", quantity: 3, unit_price_cents: 1000 }),
    ]);
    const id = made.body.id as string;
    // What the create answered is what a read of the row answers.
    expect((await request(t.app).get(`/bookings/${id}`).set(owner.headers)).body).toEqual(made.body);

    // A later price change does not touch the booking.
    await t.owner.query(`UPDATE addon_definitions SET price_cents = 9999 WHERE id = $1`, [fridge]);
    expect((await request(t.app).get(`/bookings/${id}`).set(owner.headers)).body.total_cents).toBe(14500);
    const usage = await t.owner.query(`SELECT kind, quantity FROM organization_usage_events WHERE org_id = $1`, [org]);
    expect(usage.rows).toEqual([{ kind: "booking_created", quantity: 1 }]);

    const crew = await team(org, "Flow crew");
    expect(
      (await request(t.app).post(`/bookings/${id}/status`).set(dispatcher.headers).send({ status: "in_progress" })).body.error.code,
    ).toBe("invalid_transition");
    expect((await request(t.app).post(`/bookings/${id}/assign`).set(dispatcher.headers).send({ team_id: crew })).body.team_id).toBe(crew);
    for (const status of ["confirmed", "in_progress", "completed"]) {
      const res = await request(t.app).post(`/bookings/${id}/status`).set(dispatcher.headers).send({ status });
      expect([status, res.status, res.body.status]).toEqual([status, 200, status]);
    }
    const again = await request(t.app).post(`/bookings/${id}/status`).set(dispatcher.headers).send({ status: "cancelled" });
    expect([again.status, again.body.error.code]).toEqual([409, "invalid_transition"]);
    expect(
      (await request(t.app).post(`/bookings/${id}/reschedule`).set(dispatcher.headers).send({ starts_at: "2026-01-15T08:00:00Z" })).status,
    ).toBe(409);

    const actions = (await auditRows(t, org)).filter((a) => a.entity_id === id).map((a) => a.action);
    expect(actions).toEqual(["booking.created", "booking.assigned", "booking.confirmed", "booking.in_progress", "booking.completed"]);
  });

  it("refuses add-ons that are inactive, in another currency or unknown, an archived client, and a missing address, writing nothing", async () => {
    const { owner } = roles;
    const before = await snapshotOrg(t, org);
    const c = await client(owner, "No address", null);
    const snapshot = await snapshotOrg(t, org);
    const inactive = await addon(org, "Old", 100, 0, { active: false });
    const usd = await addon(org, "Dollars", 100, 0, { currency: "USD" });
    const after = await snapshotOrg(t, org);
    const at = { starts_at: "2026-02-01T10:00:00Z" };
    expect((await book(owner, { ...base, ...at, client_id: c, address: "x", addons: [{ addon_id: inactive }] })).body.error.code).toBe(
      "addon_unavailable",
    );
    expect((await book(owner, { ...base, ...at, client_id: c, address: "x", addons: [{ addon_id: usd }] })).body.error.code).toBe(
      "addon_unavailable",
    );
    const unknown = await book(owner, {
      ...base,
      ...at,
      client_id: c,
      address: "x",
      addons: [{ addon_id: "00000000-0000-4000-8000-000000000009" }],
    });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, "not_found"]);
    const noAddress = await book(owner, { ...base, ...at, client_id: c });
    expect([noAddress.status, noAddress.body.error.details.issues[0].path]).toEqual([400, ["address"]]);
    const twice = await book(owner, { ...base, ...at, client_id: c, address: "x", addons: [{ addon_id: usd }, { addon_id: usd }] });
    expect(twice.status).toBe(400);
    await request(t.app).post(`/clients/${c}/archive`).set(owner.headers);
    const archived = await book(owner, { ...base, ...at, client_id: c, address: "x" });
    expect([archived.status, archived.body.error.code]).toEqual([409, "client_archived"]);
    expect(before).not.toEqual(snapshot);
    const now = await snapshotOrg(t, org);
    // Only the client's archiving and its audit row changed since the add-ons were made.
    expect({ ...now, client_users: "", admin_audit_logs: "" }).toEqual({ ...after, client_users: "", admin_audit_logs: "" });
  });
});

describe("dispatch conflicts", () => {
  it("names the blackout, the working hours (in the team's zone, across midnight and daylight saving) and the overlapping job", async () => {
    const { dispatcher } = roles;
    const c = await client(dispatcher, "Conflicts");
    // New York nights: Friday 22:00 → Saturday 06:00 local.
    const nights = await team(
      org,
      "Night crew",
      [
        [5, "22:00", "24:00"],
        [6, "00:00", "06:00"],
      ],
      "America/New_York",
    );
    await t.owner.query(`INSERT INTO team_blackouts (org_id, team_id, starts_at, ends_at, reason) VALUES ($1, $2, $3, $4, 'Team outing')`, [
      org,
      nights,
      "2026-03-14T03:00:00Z",
      "2026-03-14T11:00:00Z",
    ]);
    const assign = async (startsAt: string, minutes: number) => {
      const b = await book(dispatcher, { ...base, client_id: c, starts_at: startsAt, duration_minutes: minutes });
      return request(t.app)
        .post(`/bookings/${b.body.id as string}/assign`)
        .set(dispatcher.headers)
        .send({ team_id: nights });
    };
    // Friday 6 March 23:00 EST → Saturday 03:00: inside the night shift.
    expect((await assign("2026-03-07T04:00:00Z", 240)).status).toBe(200);
    const overlap = await assign("2026-03-07T06:00:00Z", 60);
    expect([overlap.status, overlap.body.error.code, overlap.body.error.details.reason]).toEqual([
      409,
      "booking_conflict",
      "overlapping_booking",
    ]);
    // Saturday 05:00 → 07:00 EST runs past 06:00.
    const late = await assign("2026-03-07T10:00:00Z", 120);
    expect([late.status, late.body.error.details]).toEqual([409, { reason: "outside_working_hours", timezone: "America/New_York" }]);
    const away = await assign("2026-03-14T04:00:00Z", 60);
    expect([away.status, away.body.error.details.reason, away.body.error.message]).toEqual([
      409,
      "blackout",
      "The team is unavailable then (Team outing).",
    ]);
    // 8 March 2026 02:00 New York springs forward: Friday 6 → Saturday 7 is unaffected, but Saturday 14 → Sunday 15
    // is not a working night; the night of Friday 20 March is 22:00 EDT = 02:00Z.
    expect((await assign("2026-03-21T02:00:00Z", 480)).status).toBe(200);
    expect((await assign("2026-03-21T01:59:00Z", 60)).body.error?.details?.reason).toBe("outside_working_hours");
  });

  it("re-checks a reschedule, frees the slot of a cancelled job, and keeps a team's day in its own zone", async () => {
    const { dispatcher } = roles;
    const c = await client(dispatcher, "Reschedules");
    const crew = await team(org, "Day crew");
    const first = (await book(dispatcher, { ...base, client_id: c, starts_at: "2026-04-01T09:00:00Z" })).body.id as string;
    const second = (await book(dispatcher, { ...base, client_id: c, starts_at: "2026-04-01T12:00:00Z" })).body.id as string;
    for (const id of [first, second]) await request(t.app).post(`/bookings/${id}/assign`).set(dispatcher.headers).send({ team_id: crew });
    const clash = await request(t.app)
      .post(`/bookings/${second}/reschedule`)
      .set(dispatcher.headers)
      .send({ starts_at: "2026-04-01T10:00:00Z" });
    expect([clash.status, clash.body.error.details.booking_id]).toEqual([409, first]);
    await request(t.app).post(`/bookings/${first}/status`).set(dispatcher.headers).send({ status: "cancelled" });
    const moved = await request(t.app)
      .post(`/bookings/${second}/reschedule`)
      .set(dispatcher.headers)
      .send({ starts_at: "2026-04-01T10:00:00Z", duration_minutes: 90 });
    expect([moved.status, moved.body.ends_at]).toEqual([200, "2026-04-01T11:30:00.000Z"]);
    const day = await request(t.app).get(`/teams/${crew}/schedule`).query({ date: "2026-04-01" }).set(dispatcher.headers);
    expect(day.body).toMatchObject({ timezone: "UTC", starts_at: "2026-04-01T00:00:00.000Z", ends_at: "2026-04-02T00:00:00.000Z" });
    expect((day.body.items as { id: string }[]).map((b) => b.id)).toEqual([second]);
    expect((await request(t.app).get(`/teams/${crew}/schedule`).query({ date: "2026-02-30" }).set(dispatcher.headers)).status).toBe(400);
    const unassigned = await request(t.app).get("/bookings").query({ unassigned: "true", limit: 100 }).set(dispatcher.headers);
    expect((unassigned.body.items as { team_id: string | null }[]).every((b) => b.team_id === null)).toBe(true);
  });

  it("lets exactly one of two dispatchers assigning overlapping jobs to one team at once win", async () => {
    const c = await client(roles.dispatcher, "Race");
    const crew = await team(org, "Contested crew");
    for (let round = 0; round < 5; round++) {
      const day = `2026-05-${String(10 + round).padStart(2, "0")}`;
      const a = (await book(roles.dispatcher, { ...base, client_id: c, starts_at: `${day}T09:00:00Z` })).body.id as string;
      const b = (await book(roles.admin, { ...base, client_id: c, starts_at: `${day}T10:00:00Z` })).body.id as string;
      const results = await Promise.all([
        request(t.app).post(`/bookings/${a}/assign`).set(roles.dispatcher.headers).send({ team_id: crew }),
        request(t.app).post(`/bookings/${b}/assign`).set(roles.admin.headers).send({ team_id: crew }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      const held = await t.owner.query(`SELECT count(*)::int AS n FROM bookings WHERE team_id = $1 AND starts_at::date = $2`, [crew, day]);
      expect(held.rows[0]?.n).toBe(1);
    }
  });
});

describe("the bookings list", () => {
  it("pages newest first (created_at, then id) with its cursor: every booking of a client once, in order, then no cursor", async () => {
    const c = await client(roles.owner, "Paged client");
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      made.push(
        (await book(roles.owner, { ...base, client_id: c, starts_at: `2026-07-0${i + 1}T09:00:00Z` }).expect(201)).body.id as string,
      );
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await request(t.app)
        .get(`/bookings?client_id=${c}&limit=2${cursor ? `&cursor=${cursor}` : ""}`)
        .set(roles.owner.headers)
        .expect(200);
      const page = res.body as { items: { id: string }[]; next_cursor: string | null };
      seen.push(...page.items.map((b) => b.id));
      cursor = page.next_cursor;
    } while (cursor && seen.length < 10);
    // The test clock stands still, so all five share created_at and the order falls to the id, descending.
    expect(seen).toEqual([...made].sort().reverse());
  });
});

describe("bookings across roles and orgs", () => {
  it("finance reads bookings but cannot book, assign or change status", async () => {
    const c = await client(roles.owner, "Finance view");
    const id = (await book(roles.owner, { ...base, client_id: c, starts_at: "2026-06-01T09:00:00Z" })).body.id as string;
    expect((await request(t.app).get(`/bookings/${id}`).set(roles.finance.headers)).status).toBe(200);
    expect((await book(roles.finance, { ...base, client_id: c, starts_at: "2026-06-01T09:00:00Z" })).status).toBe(403);
    expect((await request(t.app).post(`/bookings/${id}/status`).set(roles.finance.headers).send({ status: "cancelled" })).status).toBe(403);
  });

  it("another org's booking, client, team and add-on are 404 wherever they are named, and stay unchanged", async () => {
    const other = await signedIn(t, "owner");
    const theirClient = await client(other, "Theirs");
    const theirTeam = await team(other.org.orgId, "Their crew");
    const theirAddon = await addon(other.org.orgId, "Their add-on", 100, 10);
    const theirBooking = (await book(other, { ...base, client_id: theirClient, starts_at: "2026-07-01T09:00:00Z" })).body.id as string;
    const myClient = await client(roles.owner, "Mine");
    const myBooking = (await book(roles.owner, { ...base, client_id: myClient, starts_at: "2026-07-01T09:00:00Z" })).body.id as string;
    const before = await snapshotOrg(t, other.org.orgId);
    const calls = [
      request(t.app).get(`/bookings/${theirBooking}`),
      request(t.app)
        .post(`/bookings/${theirBooking}/assign`)
        .send({ team_id: await team(org, "My crew") }),
      request(t.app).post(`/bookings/${myBooking}/assign`).send({ team_id: theirTeam }),
      request(t.app).post(`/bookings/${theirBooking}/unassign`),
      request(t.app).post(`/bookings/${theirBooking}/status`).send({ status: "cancelled" }),
      request(t.app).post(`/bookings/${theirBooking}/reschedule`).send({ starts_at: "2026-07-02T09:00:00Z" }),
      request(t.app).get(`/teams/${theirTeam}/schedule`).query({ date: "2026-07-01" }),
      request(t.app)
        .post("/bookings")
        .send({ ...base, client_id: theirClient, starts_at: "2026-07-01T09:00:00Z" }),
      request(t.app)
        .post("/bookings")
        .send({ ...base, client_id: myClient, starts_at: "2026-07-01T09:00:00Z", addons: [{ addon_id: theirAddon }] }),
    ];
    for (const call of calls) {
      const res = await call.set(roles.owner.headers);
      expect([res.status, res.body.error?.code]).toEqual([404, "not_found"]);
    }
    const filtered = await request(t.app).get("/bookings").query({ client_id: theirClient }).set(roles.owner.headers);
    expect(filtered.body.items).toEqual([]);
    expect(await snapshotOrg(t, other.org.orgId)).toEqual(before);
  });
});
