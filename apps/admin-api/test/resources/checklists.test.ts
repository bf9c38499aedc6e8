import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/test-app.ts";
import { as, auditRows, idOf, insertBooking, invalidFields, pluck, staffOf, type Staff } from "./helpers.ts";
import { snapshotOrg, type SignedIn } from "../support/staff.ts";

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

type Item = { id: string; label: string; required: boolean; position: number };
type Template = { id: string; name: string; active: boolean; items: Item[] };

let seq = 0;
async function template(m: SignedIn, labels: string[] = ["Kitchen", "Bathroom", "Floors"]): Promise<Template> {
  seq++;
  const res = await as(t, m)
    .post("/checklist-templates", { name: `Template ${seq}`, items: labels.map((label) => ({ label })) })
    .expect(201);
  return res.body as Template;
}

/** The positions in the database, by label, in position order. */
async function stored(templateId: string): Promise<[string, number][]> {
  const r = await t.owner.query<{ label: string; position: number }>(
    `SELECT label, position FROM checklist_template_items WHERE template_id = $1 ORDER BY position`,
    [templateId],
  );
  return r.rows.map((row) => [row.label, row.position]);
}

const dense = (labels: string[]) => labels.map((label, i): [string, number] => [label, i]);

describe("checklist templates", () => {
  it("creates a template with its items at positions 0..n-1 in the given order (201), audited", async () => {
    const res = await as(t, staff.dispatcher)
      .post("/checklist-templates", { name: "Deep clean", items: [{ label: "Oven" }, { label: "Fridge", required: false }] })
      .expect(201);
    const body = res.body as Template;
    expect(body).toMatchObject({
      name: "Deep clean",
      active: true,
      items: [
        { label: "Oven", required: true, position: 0 },
        { label: "Fridge", required: false, position: 1 },
      ],
    });
    expect(await stored(body.id)).toEqual(dense(["Oven", "Fridge"]));
    const audit = await auditRows(t.owner, staff.owner.org.orgId, "checklist_template.created");
    expect(audit).toContainEqual({
      actor_user_id: staff.dispatcher.user.id,
      entity_type: "checklist_template",
      entity_id: body.id,
      changes: { after: res.body },
    });
    const empty = await as(t, staff.dispatcher).post("/checklist-templates", { name: "Empty" }).expect(201);
    expect((empty.body as Template).items).toEqual([]);
  });

  it("refuses a duplicate name (409 already_exists) and invalid bodies (400 naming the field)", async () => {
    await as(t, staff.owner).post("/checklist-templates", { name: "Twice" }).expect(201);
    expect((await as(t, staff.owner).post("/checklist-templates", { name: "Twice" }).expect(409)).body.error.code).toBe("already_exists");
    const cases: [object, string][] = [
      [{}, "name"],
      [{ name: "" }, "name"],
      [{ name: "X", items: [{ label: "" }] }, "items.0.label"],
      [{ name: "X", items: [{ label: "A", required: "yes" }] }, "items.0.required"],
      [{ name: "X", items: [{ label: "A", position: 3 }] }, "items.0"],
      [{ name: "X", active: false }, ""],
    ];
    for (const [body, field] of cases) {
      const res = await as(t, staff.owner).post("/checklist-templates", body).expect(400);
      expect(res.body.error.code).toBe("validation_failed");
      expect(invalidFields(res.body)).toContain(field);
    }
  });

  it("lists newest first (with items), gets one with items in order, renames and deactivates (audited)", async () => {
    const s = await staffOf(t);
    t.clock.advance(1);
    const a = await template(s.owner, ["One"]);
    t.clock.advance(1);
    const b = await template(s.owner, ["Two", "Three"]);
    const list = await as(t, s.dispatcher).get("/checklist-templates").expect(200);
    expect(pluck(list, "id")).toEqual([b.id, a.id]);
    expect(list.body.items[0].items).toEqual(b.items);
    const page = await as(t, s.dispatcher).get("/checklist-templates?limit=1").expect(200);
    const next = await as(t, s.dispatcher).get(`/checklist-templates?limit=1&cursor=${page.body.next_cursor}`).expect(200);
    expect([...pluck(page, "id"), ...pluck(next, "id")]).toEqual([b.id, a.id]);
    expect(next.body.next_cursor).toBeNull();
    const one = await as(t, s.dispatcher).get(`/checklist-templates/${b.id}`).expect(200);
    expect(one.body).toEqual(b);
    const patched = await as(t, s.dispatcher).patch(`/checklist-templates/${a.id}`, { name: "Renamed", active: false }).expect(200);
    expect(patched.body).toMatchObject({ name: "Renamed", active: false, items: a.items });
    expect(pluck(await as(t, s.dispatcher).get("/checklist-templates?active=true").expect(200), "id")).toEqual([b.id]);
    expect(await auditRows(t.owner, s.owner.org.orgId, "checklist_template.updated")).toEqual([
      {
        actor_user_id: s.dispatcher.user.id,
        entity_type: "checklist_template",
        entity_id: a.id,
        changes: { before: { name: a.name, active: true }, after: { name: "Renamed", active: false } },
      },
    ]);
    expect(invalidFields((await as(t, s.owner).patch(`/checklist-templates/${a.id}`, { active: "no" }).expect(400)).body)).toContain(
      "active",
    );
  });

  it("finance gets 403 on every template route", async () => {
    const tpl = await template(staff.owner);
    const f = as(t, staff.finance);
    for (const call of [
      f.get("/checklist-templates"),
      f.get(`/checklist-templates/${tpl.id}`),
      f.post("/checklist-templates", { name: "Finance" }),
      f.patch(`/checklist-templates/${tpl.id}`, { name: "F" }),
      f.post(`/checklist-templates/${tpl.id}/items`, { label: "F" }),
      f.patch(`/checklist-templates/${tpl.id}/items/${tpl.items[0]?.id}`, { label: "F" }),
      f.delete(`/checklist-templates/${tpl.id}/items/${tpl.items[0]?.id}`),
      f.post(`/checklist-templates/${tpl.id}/reorder`, { item_ids: tpl.items.map((i) => i.id) }),
    ]) {
      expect((await call.expect(403)).body.error.code).toBe("forbidden");
    }
  });
});

describe("template items", () => {
  it("inserts at a position shifting the rest, appends without one or past the end; positions stay dense", async () => {
    const tpl = await template(staff.admin, ["A", "B", "C"]);
    const first = await as(t, staff.admin).post(`/checklist-templates/${tpl.id}/items`, { label: "Start", position: 0 }).expect(201);
    expect((first.body as Template).items.map((i) => [i.label, i.position])).toEqual(dense(["Start", "A", "B", "C"]));
    await as(t, staff.admin).post(`/checklist-templates/${tpl.id}/items`, { label: "Middle", position: 2, required: false }).expect(201);
    await as(t, staff.admin).post(`/checklist-templates/${tpl.id}/items`, { label: "End" }).expect(201);
    await as(t, staff.admin).post(`/checklist-templates/${tpl.id}/items`, { label: "Far", position: 99 }).expect(201);
    expect(await stored(tpl.id)).toEqual(dense(["Start", "A", "Middle", "B", "C", "End", "Far"]));
    const audit = await auditRows(t.owner, staff.owner.org.orgId, "checklist_template.item_added");
    expect(audit.filter((r) => r.entity_id === tpl.id)).toHaveLength(4);
    const bad = await as(t, staff.admin).post(`/checklist-templates/${tpl.id}/items`, { label: "X", position: -1 }).expect(400);
    expect(invalidFields(bad.body)).toContain("position");
    expect(invalidFields((await as(t, staff.admin).post(`/checklist-templates/${tpl.id}/items`, {}).expect(400)).body)).toContain("label");
  });

  it("changes an item's label and required flag (audited)", async () => {
    const tpl = await template(staff.admin, ["A", "B"]);
    const item = tpl.items[1] as Item;
    const res = await as(t, staff.dispatcher)
      .patch(`/checklist-templates/${tpl.id}/items/${item.id}`, { label: "B, under the sink too", required: false })
      .expect(200);
    expect((res.body as Template).items[1]).toEqual({ id: item.id, label: "B, under the sink too", required: false, position: 1 });
    const audit = await auditRows(t.owner, staff.owner.org.orgId, "checklist_template.item_updated");
    expect(audit.filter((r) => r.entity_id === tpl.id)).toEqual([
      {
        actor_user_id: staff.dispatcher.user.id,
        entity_type: "checklist_template",
        entity_id: tpl.id,
        changes: {
          before: { item: { id: item.id, label: "B", required: true, position: 1 } },
          after: { item: { id: item.id, label: "B, under the sink too", required: false, position: 1 } },
        },
      },
    ]);
    const bad = await as(t, staff.dispatcher).patch(`/checklist-templates/${tpl.id}/items/${item.id}`, { position: 0 }).expect(400);
    expect(bad.body.error.code).toBe("validation_failed");
  });

  it("removes an item and re-densifies the positions (audited)", async () => {
    const tpl = await template(staff.admin, ["A", "B", "C", "D"]);
    const res = await as(t, staff.admin).delete(`/checklist-templates/${tpl.id}/items/${tpl.items[1]?.id}`).expect(200);
    expect((res.body as Template).items.map((i) => [i.label, i.position])).toEqual(dense(["A", "C", "D"]));
    expect(await stored(tpl.id)).toEqual(dense(["A", "C", "D"]));
    await as(t, staff.admin).delete(`/checklist-templates/${tpl.id}/items/${tpl.items[0]?.id}`).expect(200);
    expect(await stored(tpl.id)).toEqual(dense(["C", "D"]));
    const again = await as(t, staff.admin).delete(`/checklist-templates/${tpl.id}/items/${tpl.items[0]?.id}`).expect(404);
    expect(again.body.error.code).toBe("not_found");
    const audit = await auditRows(t.owner, staff.owner.org.orgId, "checklist_template.item_removed");
    expect(audit.filter((r) => r.entity_id === tpl.id)).toHaveLength(2);
  });

  it("an item of another template of the same org is 404 on that template", async () => {
    const a = await template(staff.admin, ["A"]);
    const b = await template(staff.admin, ["B"]);
    const foreign = b.items[0]?.id ?? "";
    await as(t, staff.admin).patch(`/checklist-templates/${a.id}/items/${foreign}`, { label: "X" }).expect(404);
    await as(t, staff.admin).delete(`/checklist-templates/${a.id}/items/${foreign}`).expect(404);
    expect(await stored(b.id)).toEqual(dense(["B"]));
  });
});

describe("POST /checklist-templates/:id/reorder", () => {
  it("reorders five items: positions dense in the given order, audited", async () => {
    const tpl = await template(staff.dispatcher, ["A", "B", "C", "D", "E"]);
    const byLabel = Object.fromEntries(tpl.items.map((i) => [i.label, i.id]));
    const order = ["E", "C", "A", "D", "B"];
    const res = await as(t, staff.dispatcher)
      .post(`/checklist-templates/${tpl.id}/reorder`, { item_ids: order.map((l) => byLabel[l]) })
      .expect(200);
    expect((res.body as Template).items.map((i) => [i.label, i.position])).toEqual(dense(order));
    expect(await stored(tpl.id)).toEqual(dense(order));
    // Reversed, then back: every move crosses the others.
    const reversed = [...order].reverse();
    await as(t, staff.dispatcher)
      .post(`/checklist-templates/${tpl.id}/reorder`, { item_ids: reversed.map((l) => byLabel[l]) })
      .expect(200);
    expect(await stored(tpl.id)).toEqual(dense(reversed));
    const audit = await auditRows(t.owner, staff.owner.org.orgId, "checklist_template.items_reordered");
    const mine = audit.filter((r) => r.entity_id === tpl.id);
    expect(mine).toHaveLength(2);
    expect(mine[0]?.actor_user_id).toBe(staff.dispatcher.user.id);
    // The same order again changes nothing and records nothing.
    await as(t, staff.dispatcher)
      .post(`/checklist-templates/${tpl.id}/reorder`, { item_ids: reversed.map((l) => byLabel[l]) })
      .expect(200);
    expect(
      (await auditRows(t.owner, staff.owner.org.orgId, "checklist_template.items_reordered")).filter((r) => r.entity_id === tpl.id),
    ).toHaveLength(2);
  });

  it("refuses anything but exactly the template's items with 422 invalid_order, changing nothing", async () => {
    const tpl = await template(staff.dispatcher, ["A", "B", "C"]);
    const elsewhere = await template(staff.dispatcher, ["Z"]);
    const ids = tpl.items.map((i) => i.id);
    const [a = "", b = "", c = ""] = ids;
    const bad = [[a, b], [a, b, c, elsewhere.items[0]?.id], [a, a, b], [a, b, c, c], []];
    for (const item_ids of bad) {
      const res = await as(t, staff.dispatcher).post(`/checklist-templates/${tpl.id}/reorder`, { item_ids }).expect(422);
      expect(res.body.error.code).toBe("invalid_order");
    }
    const detail = await as(t, staff.dispatcher)
      .post(`/checklist-templates/${tpl.id}/reorder`, { item_ids: [a, b] })
      .expect(422);
    expect(detail.body.error.details).toEqual({ missing: [c], unknown: [], duplicates: [] });
    expect(await stored(tpl.id)).toEqual(dense(["A", "B", "C"]));
    const invalid = await as(t, staff.dispatcher)
      .post(`/checklist-templates/${tpl.id}/reorder`, { item_ids: ["nope"] })
      .expect(400);
    expect(invalidFields(invalid.body)).toContain("item_ids.0");
    expect(invalidFields((await as(t, staff.dispatcher).post(`/checklist-templates/${tpl.id}/reorder`, {}).expect(400)).body)).toContain(
      "item_ids",
    );
  });
});

describe("checklists of bookings", () => {
  it("attaches a template: 201 open run, no worker, one unchecked item per template item in order; audited; readable", async () => {
    const tpl = await template(staff.dispatcher, ["Kitchen", "Bath"]);
    await as(t, staff.dispatcher).patch(`/checklist-templates/${tpl.id}/items/${tpl.items[1]?.id}`, { required: false }).expect(200);
    const { bookingId } = await insertBooking(t.owner, staff.owner.org.orgId, { team: true });
    const res = await as(t, staff.dispatcher).post(`/bookings/${bookingId}/checklist`, { template_id: tpl.id }).expect(201);
    expect(res.body).toMatchObject({
      booking_id: bookingId,
      template_id: tpl.id,
      worker_id: null,
      status: "open",
      completed_at: null,
      items: [
        { template_item_id: tpl.items[0]?.id, label: "Kitchen", required: true, position: 0, checked: false, note: null, checked_at: null },
        { template_item_id: tpl.items[1]?.id, label: "Bath", required: false, position: 1, checked: false, note: null, checked_at: null },
      ],
    });
    const runs = await t.owner.query(`SELECT status, worker_id FROM checklist_runs WHERE booking_id = $1`, [bookingId]);
    expect(runs.rows).toEqual([{ status: "open", worker_id: null }]);
    const items = await t.owner.query(`SELECT count(*)::int AS n FROM checklist_run_items WHERE run_id = $1`, [idOf(res)]);
    expect(items.rows).toEqual([{ n: 2 }]);
    expect(await auditRows(t.owner, staff.owner.org.orgId, "checklist_run.created")).toContainEqual({
      actor_user_id: staff.dispatcher.user.id,
      entity_type: "checklist_run",
      entity_id: idOf(res),
      changes: { after: { booking_id: bookingId, template_id: tpl.id, items: 2 } },
    });
    const read = await as(t, staff.admin).get(`/bookings/${bookingId}/checklist`).expect(200);
    expect(read.body).toEqual(res.body);
  });

  it("a second open checklist is 409 checklist_already_attached; an inactive template 409; finance 403", async () => {
    const tpl = await template(staff.dispatcher, ["A"]);
    const { bookingId } = await insertBooking(t.owner, staff.owner.org.orgId);
    await as(t, staff.dispatcher).post(`/bookings/${bookingId}/checklist`, { template_id: tpl.id }).expect(201);
    const twice = await as(t, staff.dispatcher).post(`/bookings/${bookingId}/checklist`, { template_id: tpl.id }).expect(409);
    expect(twice.body.error.code).toBe("checklist_already_attached");
    const off = await template(staff.dispatcher, ["B"]);
    await as(t, staff.dispatcher).patch(`/checklist-templates/${off.id}`, { active: false }).expect(200);
    const fresh = await insertBooking(t.owner, staff.owner.org.orgId);
    const inactive = await as(t, staff.dispatcher).post(`/bookings/${fresh.bookingId}/checklist`, { template_id: off.id }).expect(409);
    expect(inactive.body.error.code).toBe("checklist_template_inactive");
    await as(t, staff.finance).post(`/bookings/${fresh.bookingId}/checklist`, { template_id: tpl.id }).expect(403);
    await as(t, staff.finance).get(`/bookings/${bookingId}/checklist`).expect(403);
    expect((await as(t, staff.admin).get(`/bookings/${fresh.bookingId}/checklist`).expect(404)).body.error.code).toBe("not_found");
    const invalid = await as(t, staff.dispatcher).post(`/bookings/${fresh.bookingId}/checklist`, { template_id: "x" }).expect(400);
    expect(invalidFields(invalid.body)).toContain("template_id");
  });

  it("two concurrent attaches to one booking: one 201, one 409", async () => {
    const tpl = await template(staff.dispatcher, ["A", "B"]);
    const { bookingId } = await insertBooking(t.owner, staff.owner.org.orgId);
    const [x, y] = await Promise.all([
      as(t, staff.dispatcher).post(`/bookings/${bookingId}/checklist`, { template_id: tpl.id }),
      as(t, staff.admin).post(`/bookings/${bookingId}/checklist`, { template_id: tpl.id }),
    ]);
    expect([x.status, y.status].sort()).toEqual([201, 409]);
    const runs = await t.owner.query(`SELECT count(*)::int AS n FROM checklist_runs WHERE booking_id = $1`, [bookingId]);
    expect(runs.rows).toEqual([{ n: 1 }]);
  });

  it("an item a booking's checklist records cannot be removed (409 checklist_item_in_use)", async () => {
    const tpl = await template(staff.dispatcher, ["A", "B"]);
    const { bookingId } = await insertBooking(t.owner, staff.owner.org.orgId);
    await as(t, staff.dispatcher).post(`/bookings/${bookingId}/checklist`, { template_id: tpl.id }).expect(201);
    const res = await as(t, staff.dispatcher).delete(`/checklist-templates/${tpl.id}/items/${tpl.items[0]?.id}`).expect(409);
    expect(res.body.error.code).toBe("checklist_item_in_use");
    expect(await stored(tpl.id)).toEqual(dense(["A", "B"]));
  });
});

describe("another org's ids", () => {
  it("answer 404 not_found on every route, path or body, and the other org's rows stay unchanged", async () => {
    const theirs = await template(other.owner, ["Theirs 1", "Theirs 2"]);
    const theirItem = theirs.items[0]?.id ?? "";
    const { bookingId: theirBooking } = await insertBooking(t.owner, other.owner.org.orgId);
    await as(t, other.owner).post(`/bookings/${theirBooking}/checklist`, { template_id: theirs.id }).expect(201);
    const mine = await template(staff.owner, ["Mine"]);
    const { bookingId: myBooking } = await insertBooking(t.owner, staff.owner.org.orgId);
    const snapshot = () => snapshotOrg(t, other.owner.org.orgId);
    const before = await snapshot();
    const me = as(t, staff.owner);
    const calls = [
      me.get(`/checklist-templates/${theirs.id}`),
      me.patch(`/checklist-templates/${theirs.id}`, { name: "Hijacked" }),
      me.post(`/checklist-templates/${theirs.id}/items`, { label: "Injected", position: 0 }),
      me.patch(`/checklist-templates/${theirs.id}/items/${theirItem}`, { label: "Hijacked" }),
      me.patch(`/checklist-templates/${mine.id}/items/${theirItem}`, { label: "Hijacked" }),
      me.delete(`/checklist-templates/${theirs.id}/items/${theirItem}`),
      me.delete(`/checklist-templates/${mine.id}/items/${theirItem}`),
      me.post(`/checklist-templates/${theirs.id}/reorder`, { item_ids: [...theirs.items].reverse().map((i) => i.id) }),
      me.post(`/bookings/${theirBooking}/checklist`, { template_id: mine.id }),
      me.post(`/bookings/${myBooking}/checklist`, { template_id: theirs.id }),
      me.get(`/bookings/${theirBooking}/checklist`),
    ];
    for (const call of calls) expect((await call.expect(404)).body.error.code).toBe("not_found");
    // Their item ids in a reorder of my template are unknown ids: 422, nothing moves.
    await me.post(`/checklist-templates/${mine.id}/reorder`, { item_ids: [theirItem] }).expect(422);
    expect(await snapshot()).toEqual(before);
    expect(pluck(await me.get("/checklist-templates?limit=100").expect(200), "id")).not.toContain(theirs.id);
    const myRuns = await t.owner.query(`SELECT count(*)::int AS n FROM checklist_runs WHERE booking_id = $1`, [myBooking]);
    expect(myRuns.rows).toEqual([{ n: 0 }]);
  });
});
