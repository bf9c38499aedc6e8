import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/test-app.ts";
import { as, auditRows, idOf, pluck, insertBooking, invalidFields, staffOf, type Staff } from "./helpers.ts";
import { snapshotOrg } from "../support/staff.ts";

let t: TestApp;
let staff: Staff;
let other: Staff;

beforeAll(async () => {
  t = await startTestApp();
  staff = await staffOf(t);
  other = await staffOf(t);
});
afterAll(async () => {
  await t.close();
});

const fridge = { name: "Inside fridge", price_cents: 2500, currency: "EUR", duration_minutes: 30 };

describe("POST /addons", () => {
  it("creates the definition (201, active), audited", async () => {
    const res = await as(t, staff.dispatcher)
      .post("/addons", { ...fridge, name: "Windows" })
      .expect(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      name: "Windows",
      price_cents: 2500,
      currency: "EUR",
      duration_minutes: 30,
      active: true,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const audit = await auditRows(t.owner, staff.owner.org.orgId, "addon.created");
    expect(audit).toContainEqual({
      actor_user_id: staff.dispatcher.user.id,
      entity_type: "addon",
      entity_id: res.body.id,
      changes: { after: res.body },
    });
  });

  it("refuses a duplicate name in the org with 409 already_exists; another org may use it", async () => {
    await as(t, staff.admin)
      .post("/addons", { ...fridge, name: "Oven" })
      .expect(201);
    const dup = await as(t, staff.admin)
      .post("/addons", { ...fridge, name: "Oven" })
      .expect(409);
    expect(dup.body.error.code).toBe("already_exists");
    await as(t, other.owner)
      .post("/addons", { ...fridge, name: "Oven" })
      .expect(201);
  });

  it("validates every field and refuses unknown ones (400 validation_failed naming the field)", async () => {
    const cases: [object, string][] = [
      [{ ...fridge, name: "" }, "name"],
      [{ ...fridge, price_cents: -1 }, "price_cents"],
      [{ ...fridge, price_cents: 10.5 }, "price_cents"],
      [{ ...fridge, currency: "eur" }, "currency"],
      [{ ...fridge, duration_minutes: -5 }, "duration_minutes"],
      [{ name: "No price", currency: "EUR", duration_minutes: 0 }, "price_cents"],
      [{ ...fridge, name: "Extra", active: false }, ""],
    ];
    for (const [body, field] of cases) {
      const res = await as(t, staff.owner).post("/addons", body).expect(400);
      expect(res.body.error.code).toBe("validation_failed");
      expect(invalidFields(res.body)).toContain(field);
    }
  });

  it("finance may neither read nor write add-ons (403)", async () => {
    await as(t, staff.finance)
      .post("/addons", { ...fridge, name: "Finance" })
      .expect(403);
    await as(t, staff.finance).get("/addons").expect(403);
  });
});

describe("GET /addons, GET /addons/:id", () => {
  it("lists the org's add-ons newest first, filters on active, pages with the cursor", async () => {
    const s = await staffOf(t);
    const ids: string[] = [];
    for (const name of ["A", "B", "C"]) {
      // The request's clock stamps created_at: a second apart, so "newest first" has one answer.
      t.clock.advance(1);
      ids.push(
        idOf(
          await as(t, s.owner)
            .post("/addons", { ...fridge, name })
            .expect(201),
        ),
      );
    }
    await as(t, s.owner).post(`/addons/${ids[1]}/deactivate`).expect(200);
    const all = await as(t, s.dispatcher).get("/addons").expect(200);
    expect(pluck(all, "name")).toEqual(["C", "B", "A"]);
    expect(all.body.next_cursor).toBeNull();
    const active = await as(t, s.dispatcher).get("/addons?active=true").expect(200);
    expect(pluck(active, "name")).toEqual(["C", "A"]);
    const inactive = await as(t, s.dispatcher).get("/addons?active=false").expect(200);
    expect(pluck(inactive, "name")).toEqual(["B"]);
    const first = await as(t, s.dispatcher).get("/addons?limit=2").expect(200);
    expect(first.body.items).toHaveLength(2);
    const second = await as(t, s.dispatcher).get(`/addons?limit=2&cursor=${first.body.next_cursor}`).expect(200);
    expect(second.body).toEqual({ items: [expect.objectContaining({ name: "A" })], next_cursor: null });
    const one = await as(t, s.dispatcher).get(`/addons/${ids[0]}`).expect(200);
    expect(one.body).toMatchObject({ id: ids[0], name: "A" });
    expect(invalidFields((await as(t, s.owner).get("/addons?active=yes").expect(400)).body)).toContain("active");
    expect(invalidFields((await as(t, s.owner).get("/addons/not-an-id").expect(400)).body)).toContain("id");
  });
});

describe("PATCH /addons/:id, deactivate, activate", () => {
  it("changes name, price and duration (audited with the diff); bookings keep the price they copied", async () => {
    const addon = (
      await as(t, staff.owner)
        .post("/addons", { ...fridge, name: "Balcony" })
        .expect(201)
    ).body;
    const { bookingId } = await insertBooking(t.owner, staff.owner.org.orgId);
    await t.owner.query(
      `INSERT INTO order_addons (org_id, booking_id, addon_id, quantity, unit_price_cents) VALUES ($1, $2, $3, 1, 2500)`,
      [staff.owner.org.orgId, bookingId, addon.id],
    );
    const res = await as(t, staff.dispatcher)
      .patch(`/addons/${addon.id}`, { price_cents: 3000, duration_minutes: 45, name: "Balcony and terrace" })
      .expect(200);
    expect(res.body).toMatchObject({ price_cents: 3000, duration_minutes: 45, name: "Balcony and terrace", currency: "EUR" });
    const booked = await t.owner.query(`SELECT unit_price_cents FROM order_addons WHERE booking_id = $1`, [bookingId]);
    expect(booked.rows).toEqual([{ unit_price_cents: 2500 }]);
    const audit = await auditRows(t.owner, staff.owner.org.orgId, "addon.updated");
    expect(audit.at(-1)).toMatchObject({
      actor_user_id: staff.dispatcher.user.id,
      entity_id: addon.id,
      changes: {
        before: { name: "Balcony", price_cents: 2500, duration_minutes: 30 },
        after: { name: "Balcony and terrace", price_cents: 3000, duration_minutes: 45 },
      },
    });
  });

  it("refuses the currency, unknown fields and a taken name", async () => {
    const a = (
      await as(t, staff.owner)
        .post("/addons", { ...fridge, name: "Patch A" })
        .expect(201)
    ).body;
    await as(t, staff.owner)
      .post("/addons", { ...fridge, name: "Patch B" })
      .expect(201);
    expect((await as(t, staff.owner).patch(`/addons/${a.id}`, { currency: "USD" }).expect(400)).body.error.code).toBe("validation_failed");
    expect(invalidFields((await as(t, staff.owner).patch(`/addons/${a.id}`, { price_cents: "10" }).expect(400)).body)).toContain(
      "price_cents",
    );
    expect((await as(t, staff.owner).patch(`/addons/${a.id}`, { name: "Patch B" }).expect(409)).body.error.code).toBe("already_exists");
    await as(t, staff.finance).patch(`/addons/${a.id}`, { name: "Finance" }).expect(403);
  });

  it("deactivates and activates, each audited once; repeating changes nothing", async () => {
    const a = (
      await as(t, staff.owner)
        .post("/addons", { ...fridge, name: "Toggle" })
        .expect(201)
    ).body;
    expect((await as(t, staff.admin).post(`/addons/${a.id}/deactivate`).expect(200)).body.active).toBe(false);
    expect((await as(t, staff.admin).post(`/addons/${a.id}/deactivate`).expect(200)).body.active).toBe(false);
    expect((await as(t, staff.admin).post(`/addons/${a.id}/activate`).expect(200)).body.active).toBe(true);
    const mine = (action: string) =>
      auditRows(t.owner, staff.owner.org.orgId, action).then((rows) => rows.filter((r) => r.entity_id === a.id));
    expect(await mine("addon.deactivated")).toEqual([
      {
        actor_user_id: staff.admin.user.id,
        entity_type: "addon",
        entity_id: a.id,
        changes: { before: { active: true }, after: { active: false } },
      },
    ]);
    expect(await mine("addon.activated")).toHaveLength(1);
    await as(t, staff.finance).post(`/addons/${a.id}/activate`).expect(403);
  });
});

describe("another org's add-on", () => {
  it("answers 404 not_found on every route with its id, and stays unchanged", async () => {
    const theirs = (
      await as(t, other.owner)
        .post("/addons", { ...fridge, name: "Theirs" })
        .expect(201)
    ).body;
    const before = await snapshotOrg(t, other.owner.org.orgId);
    const calls = [
      as(t, staff.owner).get(`/addons/${theirs.id}`),
      as(t, staff.owner).patch(`/addons/${theirs.id}`, { price_cents: 1 }),
      as(t, staff.owner).post(`/addons/${theirs.id}/deactivate`),
      as(t, staff.owner).post(`/addons/${theirs.id}/activate`),
    ];
    for (const call of calls) expect((await call.expect(404)).body.error.code).toBe("not_found");
    expect(await snapshotOrg(t, other.owner.org.orgId)).toEqual(before);
    const listed = await as(t, staff.owner).get("/addons?limit=100").expect(200);
    expect(pluck(listed, "id")).not.toContain(theirs.id);
  });
});
