import { randomUUID } from "node:crypto";
import type { Response } from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/test-app.ts";
import { as, idOf, invalidFields, itemsOf, pluck, staffOf, type Staff } from "./helpers.ts";
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

const addon = (name: string) => ({ name, price_cents: 1000, currency: "EUR", duration_minutes: 15 });

/** Inserts audit rows as the owner, all with the same created_at (ties the cursor must break by id). */
async function insertAudit(orgId: string, n: number, at: string, action = "test.tied"): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await t.owner.query<{ id: string }>(
      `INSERT INTO admin_audit_logs (org_id, action, entity_type, entity_id, created_at) VALUES ($1, $2, 'test', $3, $4) RETURNING id`,
      [orgId, action, String(i), at],
    );
    ids.push(r.rows[0]?.id ?? "");
  }
  return ids;
}

async function walk(m: Staff["owner"], query: string): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const url = `/audit-logs?${query}${cursor ? `&cursor=${cursor}` : ""}`;
    const res: Response = await as(t, m).get(url).expect(200);
    ids.push(...(pluck(res, "id") as string[]));
    cursor = (res.body as { next_cursor: string | null }).next_cursor;
    pages++;
  } while (cursor && pages < 100);
  return { ids, pages };
}

describe("GET /audit-logs", () => {
  it("pages through more rows than the limit, newest first, every row exactly once (ties on created_at included)", async () => {
    const s = await staffOf(t);
    for (let i = 0; i < 4; i++)
      await as(t, s.admin)
        .post("/addons", addon(`Paged ${i}`))
        .expect(201);
    await insertAudit(s.owner.org.orgId, 5, "2026-01-01T00:00:00.123456Z");
    const all = await t.owner.query<{ id: string }>(`SELECT id FROM admin_audit_logs WHERE org_id = $1 ORDER BY created_at DESC, id DESC`, [
      s.owner.org.orgId,
    ]);
    expect(all.rows.length).toBeGreaterThanOrEqual(9);
    const { ids, pages } = await walk(s.owner, "limit=2");
    expect(ids).toEqual(all.rows.map((r) => r.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(pages).toBe(Math.ceil(all.rows.length / 2));
  });

  it("shows the rows mutations wrote, with actor, entity and the change", async () => {
    const created = await as(t, staff.admin).post("/addons", addon("Audited")).expect(201);
    const res = await as(t, staff.owner)
      .get(`/audit-logs?entity_type=addon&entity_id=${idOf(created)}`)
      .expect(200);
    expect(itemsOf(res)).toEqual([
      {
        id: expect.any(String),
        actor_user_id: staff.admin.user.id,
        action: "addon.created",
        entity_type: "addon",
        entity_id: idOf(created),
        changes: { after: created.body },
        ip: expect.any(String),
        request_id: expect.any(String),
        created_at: expect.any(String),
      },
    ]);
    const one = await as(t, staff.admin)
      .get(`/audit-logs/${String(itemsOf(res)[0]?.id)}`)
      .expect(200);
    expect(one.body).toEqual(itemsOf(res)[0]);
  });

  it("filters by actor, entity type and id, action and a created_at window (from inclusive, to exclusive)", async () => {
    const s = await staffOf(t);
    const a = await as(t, s.admin).post("/addons", addon("Filter A")).expect(201);
    await as(t, s.owner).post("/addons", addon("Filter B")).expect(201);
    await as(t, s.owner)
      .post(`/addons/${idOf(a)}/deactivate`)
      .expect(200);
    const early = await insertAudit(s.owner.org.orgId, 1, "2025-06-01T10:00:00Z", "test.early");
    const later = await insertAudit(s.owner.org.orgId, 1, "2025-06-02T10:00:00Z", "test.later");
    const byActor = await as(t, s.owner).get(`/audit-logs?actor_user_id=${s.admin.user.id}`).expect(200);
    expect(pluck(byActor, "action")).toEqual(["addon.created"]);
    const byEntity = await as(t, s.owner)
      .get(`/audit-logs?entity_type=addon&entity_id=${idOf(a)}`)
      .expect(200);
    expect(pluck(byEntity, "action")).toEqual(["addon.deactivated", "addon.created"]);
    const byAction = await as(t, s.owner).get("/audit-logs?action=addon.created").expect(200);
    expect(pluck(byAction, "action")).toEqual(["addon.created", "addon.created"]);
    const window = await as(t, s.owner).get("/audit-logs?from=2025-06-01T10:00:00Z&to=2025-06-02T10:00:00Z").expect(200);
    expect(pluck(window, "id")).toEqual(early);
    const after = await as(t, s.owner).get("/audit-logs?from=2025-06-02T10:00:00%2B00:00&to=2025-06-03T00:00:00Z").expect(200);
    expect(pluck(after, "id")).toEqual(later);
    const none = await as(t, s.owner).get(`/audit-logs?actor_user_id=${other.owner.user.id}`).expect(200);
    expect(none.body).toEqual({ items: [], next_cursor: null });
  });

  it("validates the filters (400 naming the field)", async () => {
    const cases: [string, string][] = [
      ["actor_user_id=nope", "actor_user_id"],
      ["from=yesterday", "from"],
      ["to=2025-01-01", "to"],
      ["from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z", "to"],
      ["limit=101", "limit"],
      ["limit=0", "limit"],
      ["cursor=garbage", "cursor"],
    ];
    for (const [query, field] of cases) {
      const res = await as(t, staff.owner).get(`/audit-logs?${query}`).expect(400);
      expect(res.body.error.code).toBe("validation_failed");
      expect(invalidFields(res.body)).toContain(field);
    }
    expect(invalidFields((await as(t, staff.owner).get("/audit-logs/nope").expect(400)).body)).toContain("id");
  });

  it("only owners and admins read it (403 for dispatcher and finance)", async () => {
    const [entry = ""] = await insertAudit(staff.owner.org.orgId, 1, "2025-01-01T00:00:00Z");
    for (const m of [staff.dispatcher, staff.finance]) {
      expect((await as(t, m).get("/audit-logs").expect(403)).body.error.code).toBe("forbidden");
      await as(t, m).get(`/audit-logs/${entry}`).expect(403);
    }
    await as(t, staff.admin).get("/audit-logs").expect(200);
  });

  it("another org's entry is 404 not_found (like a missing one) and never listed; its log is unchanged", async () => {
    const [theirs = ""] = await insertAudit(other.owner.org.orgId, 1, "2025-01-01T00:00:00Z", "test.theirs");
    const before = await snapshotOrg(t, other.owner.org.orgId);
    expect((await as(t, staff.owner).get(`/audit-logs/${theirs}`).expect(404)).body.error.code).toBe("not_found");
    expect((await as(t, staff.owner).get(`/audit-logs/${randomUUID()}`).expect(404)).body.error.code).toBe("not_found");
    const listed = await as(t, staff.owner).get("/audit-logs?action=test.theirs").expect(200);
    expect(itemsOf(listed)).toEqual([]);
    expect(await snapshotOrg(t, other.owner.org.orgId)).toEqual(before);
  });
});
