import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { snapshotOrg } from "../support/staff.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";
import { as, auditRows, invalidFields, itemsOf, staffOrg, type Staff } from "./staff-requests.ts";

let t: TestApp;
let org: Staff;

beforeAll(async () => {
  t = await startTestApp();
  org = await staffOrg(t);
});
afterAll(async () => {
  await t.close();
});

type Hours = { id: string; team_id: string; weekday: number; starts_at_local: string; ends_at_local: string; timezone: string };
type Blackout = { id: string; team_id: string; starts_at: string; ends_at: string; reason: string | null };

async function newTeam(s: Staff): Promise<string> {
  const res = await as(t, s.dispatcher)
    .post("/teams", { name: `Team ${randomUUID().slice(0, 8)}` })
    .expect(201);
  return (res.body as { id: string }).id;
}

const hours = (weekday: number, starts_at_local: string, ends_at_local: string, timezone = "Europe/Paris") => ({
  weekday,
  starts_at_local,
  ends_at_local,
  timezone,
});

const at = (hoursFromNow: number) => new Date(t.clock.now().getTime() + hoursFromNow * 3600_000).toISOString();

describe("POST /teams/:id/working-hours", () => {
  it("adds intervals (audited) and lists them by weekday and start", async () => {
    const team = await newTeam(org);
    const me = as(t, org.dispatcher);
    const first = await me.post(`/teams/${team}/working-hours`, hours(2, "13:00", "17:00")).expect(201);
    expect(first.body).toEqual({
      id: expect.any(String),
      team_id: team,
      weekday: 2,
      starts_at_local: "13:00",
      ends_at_local: "17:00",
      timezone: "Europe/Paris",
    });
    // Back-to-back intervals and other weekdays are fine.
    await me.post(`/teams/${team}/working-hours`, hours(2, "08:00", "13:00")).expect(201);
    await me.post(`/teams/${team}/working-hours`, hours(0, "09:00", "12:00")).expect(201);

    const list = await me.get(`/teams/${team}/working-hours`).expect(200);
    expect(itemsOf<Hours>(list.body).map((h) => [h.weekday, h.starts_at_local, h.ends_at_local])).toEqual([
      [0, "09:00", "12:00"],
      [2, "08:00", "13:00"],
      [2, "13:00", "17:00"],
    ]);
    expect((list.body as { next_cursor: unknown }).next_cursor).toBeNull();

    const audit = await auditRows(t.owner, org.owner.org.orgId, "team_working_hours.created");
    expect(audit).toContainEqual({
      actor_user_id: org.dispatcher.user.id,
      entity_type: "team_working_hours",
      entity_id: first.body.id,
      changes: { after: first.body },
    });
  });

  it("takes a shift across midnight as two rows, the first ending at 24:00", async () => {
    const team = await newTeam(org);
    const me = as(t, org.dispatcher);
    await me.post(`/teams/${team}/working-hours`, hours(5, "22:00", "24:00")).expect(201);
    await me.post(`/teams/${team}/working-hours`, hours(6, "00:00", "06:00")).expect(201);
    const row = await t.owner.query(
      `SELECT weekday, starts_at_local::text, ends_at_local::text FROM team_working_hours WHERE team_id = $1 ORDER BY weekday`,
      [team],
    );
    expect(row.rows).toEqual([
      { weekday: 5, starts_at_local: "22:00:00", ends_at_local: "24:00:00" },
      { weekday: 6, starts_at_local: "00:00:00", ends_at_local: "06:00:00" },
    ]);
    const listed = await me.get(`/teams/${team}/working-hours`).expect(200);
    expect(itemsOf<Hours>(listed.body)[0]?.ends_at_local).toBe("24:00");
  });

  it("refuses invalid bodies with validation_failed naming the field", async () => {
    const team = await newTeam(org);
    const me = as(t, org.dispatcher);
    const cases: [object, string][] = [
      [hours(7, "08:00", "12:00"), "weekday"],
      [hours(-1, "08:00", "12:00"), "weekday"],
      [hours(1, "8:00", "12:00"), "starts_at_local"],
      [hours(1, "08:00", "24:30"), "ends_at_local"],
      [hours(1, "12:00", "12:00"), "ends_at_local"],
      [hours(1, "22:00", "06:00"), "ends_at_local"],
      [hours(1, "24:00", "24:00"), "ends_at_local"],
      [hours(1, "08:00", "12:00", "Mars/Olympus"), "timezone"],
      [hours(1, "08:00", "12:00", "+02:00"), "timezone"],
      [{ ...hours(1, "08:00", "12:00"), team_id: team }, ""],
      [{ weekday: 1, starts_at_local: "08:00", ends_at_local: "12:00" }, "timezone"],
      [{ weekday: 1, ends_at_local: "12:00", timezone: "UTC" }, "starts_at_local"],
    ];
    for (const [body, field] of cases) {
      const res = await me.post(`/teams/${team}/working-hours`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe("validation_failed");
      expect(invalidFields(res.body), JSON.stringify(body)).toContain(field);
    }
    expect((await t.owner.query(`SELECT 1 FROM team_working_hours WHERE team_id = $1`, [team])).rowCount).toBe(0);
  });

  it("a team has one time zone: another zone is 409 timezone_mismatch; the same zone spelled otherwise joins it", async () => {
    const team = await newTeam(org);
    const me = as(t, org.dispatcher);
    await me.post(`/teams/${team}/working-hours`, hours(1, "08:00", "12:00", "Europe/Paris")).expect(201);
    const res = await me.post(`/teams/${team}/working-hours`, hours(2, "08:00", "12:00", "America/New_York")).expect(409);
    expect(res.body.error).toMatchObject({ code: "timezone_mismatch", details: { team_timezone: "Europe/Paris" } });
    expect(res.body.error.message).toContain("Europe/Paris");
    const same = await me.post(`/teams/${team}/working-hours`, hours(2, "08:00", "12:00", "europe/paris")).expect(201);
    expect(same.body.timezone).toBe("Europe/Paris");
    // Once the team has no hours left, a new zone may start.
    const other = await newTeam(org);
    const row = await me.post(`/teams/${other}/working-hours`, hours(1, "08:00", "12:00", "Asia/Tokyo")).expect(201);
    await me.delete(`/teams/${other}/working-hours/${(row.body as Hours).id}`).expect(204);
    await me.post(`/teams/${other}/working-hours`, hours(1, "08:00", "12:00", "America/New_York")).expect(201);
  });

  it("overlapping intervals on one weekday are 409 working_hours_overlap", async () => {
    const team = await newTeam(org);
    const me = as(t, org.dispatcher);
    const base = await me.post(`/teams/${team}/working-hours`, hours(3, "08:00", "12:00")).expect(201);
    for (const [s, e] of [
      ["11:00", "13:00"],
      ["07:00", "08:01"],
      ["08:00", "12:00"],
      ["09:00", "10:00"],
      ["06:00", "18:00"],
    ] as const) {
      const res = await me.post(`/teams/${team}/working-hours`, hours(3, s, e)).expect(409);
      expect(res.body.error).toMatchObject({ code: "working_hours_overlap", details: { working_hours_id: base.body.id } });
    }
    await me.post(`/teams/${team}/working-hours`, hours(3, "12:00", "14:00")).expect(201);
    await me.post(`/teams/${team}/working-hours`, hours(4, "09:00", "10:00")).expect(201);
  });

  it("concurrent overlapping writes: exactly one wins", async () => {
    const team = await newTeam(org);
    const me = as(t, org.dispatcher);
    const results = await Promise.all([
      me.post(`/teams/${team}/working-hours`, hours(1, "08:00", "12:00")),
      me.post(`/teams/${team}/working-hours`, hours(1, "10:00", "14:00")),
      me.post(`/teams/${team}/working-hours`, hours(1, "11:00", "15:00")),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
  });
});

describe("DELETE /teams/:id/working-hours/:hours_id", () => {
  it("removes the row (204, audited); the row of another team answers 404", async () => {
    const team = await newTeam(org);
    const otherTeam = await newTeam(org);
    const me = as(t, org.admin);
    const row = (await me.post(`/teams/${team}/working-hours`, hours(1, "08:00", "12:00")).expect(201)).body as Hours;
    await me.delete(`/teams/${otherTeam}/working-hours/${row.id}`).expect(404);
    await me.delete(`/teams/${team}/working-hours/${row.id}`).expect(204);
    await me.delete(`/teams/${team}/working-hours/${row.id}`).expect(404);
    expect((await t.owner.query(`SELECT 1 FROM team_working_hours WHERE id = $1`, [row.id])).rowCount).toBe(0);
    const audit = await auditRows(t.owner, org.owner.org.orgId, "team_working_hours.deleted");
    expect(audit).toContainEqual({
      actor_user_id: org.admin.user.id,
      entity_type: "team_working_hours",
      entity_id: row.id,
      changes: { before: row },
    });
  });
});

describe("blackouts", () => {
  it("adds (201, audited), lists by range newest first, deletes (204, audited)", async () => {
    const team = await newTeam(org);
    const me = as(t, org.dispatcher);
    const a = (await me.post(`/teams/${team}/blackouts`, { starts_at: at(24), ends_at: at(48), reason: "Training" }).expect(201))
      .body as Blackout;
    expect(a).toEqual({
      id: expect.any(String),
      team_id: team,
      starts_at: at(24),
      ends_at: at(48),
      reason: "Training",
      created_at: expect.any(String),
    });
    t.clock.advance(1);
    const b = (await me.post(`/teams/${team}/blackouts`, { starts_at: at(100), ends_at: at(110) }).expect(201)).body as Blackout;
    expect(b.reason).toBeNull();
    t.clock.advance(1);
    // Offsets are accepted and answered in UTC.
    const c = await me
      .post(`/teams/${team}/blackouts`, { starts_at: "2030-01-01T10:00:00+02:00", ends_at: "2030-01-01T12:00:00+02:00" })
      .expect(201);
    expect(c.body.starts_at).toBe("2030-01-01T08:00:00.000Z");

    const all = await me.get(`/teams/${team}/blackouts`).expect(200);
    expect(itemsOf(all.body).map((x) => x.id)).toEqual([c.body.id, b.id, a.id]);
    const range = await me.get(`/teams/${team}/blackouts?from=${encodeURIComponent(at(47))}&to=${encodeURIComponent(at(101))}`).expect(200);
    expect(itemsOf(range.body).map((x) => x.id)).toEqual([b.id, a.id]);
    const paged = await me.get(`/teams/${team}/blackouts?limit=1`).expect(200);
    expect((paged.body as { next_cursor: string | null }).next_cursor).toEqual(expect.any(String));

    await me.delete(`/teams/${team}/blackouts/${a.id}`).expect(204);
    await me.delete(`/teams/${team}/blackouts/${a.id}`).expect(404);
    expect(await auditRows(t.owner, org.owner.org.orgId, "team_blackout.created")).toContainEqual(
      expect.objectContaining({ entity_id: a.id, changes: { after: a } }),
    );
    expect(await auditRows(t.owner, org.owner.org.orgId, "team_blackout.deleted")).toEqual([
      expect.objectContaining({ actor_user_id: org.dispatcher.user.id, entity_id: a.id, changes: { before: a } }),
    ]);
  });

  it("refuses an end not after the start, bad instants and a bad range with validation_failed naming the field", async () => {
    const team = await newTeam(org);
    const me = as(t, org.dispatcher);
    const cases: [object, string][] = [
      [{ starts_at: at(2), ends_at: at(1) }, "ends_at"],
      [{ starts_at: at(2), ends_at: at(2) }, "ends_at"],
      [{ starts_at: "2030-01-01", ends_at: at(2) }, "starts_at"],
      [{ starts_at: "2030-01-01T10:00:00", ends_at: at(2) }, "starts_at"],
      [{ starts_at: at(1), ends_at: at(2), reason: "" }, "reason"],
      [{ ends_at: at(2) }, "starts_at"],
      [{ starts_at: at(1) }, "ends_at"],
    ];
    for (const [body, field] of cases) {
      const res = await me.post(`/teams/${team}/blackouts`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(invalidFields(res.body), JSON.stringify(body)).toContain(field);
    }
    const range = await me.get(`/teams/${team}/blackouts?from=${encodeURIComponent(at(5))}&to=${encodeURIComponent(at(1))}`).expect(400);
    expect(invalidFields(range.body)).toEqual(["to"]);
  });
});

describe("roles", () => {
  it("finance gets 403 on every schedule route; dispatcher is allowed", async () => {
    const team = await newTeam(org);
    const row = (
      await as(t, org.dispatcher)
        .post(`/teams/${team}/working-hours`, hours(1, "08:00", "12:00"))
        .expect(201)
    ).body as Hours;
    const bo = (
      await as(t, org.dispatcher)
        .post(`/teams/${team}/blackouts`, { starts_at: at(1), ends_at: at(2) })
        .expect(201)
    ).body as Blackout;
    const fin = as(t, org.finance);
    await fin.post(`/teams/${team}/working-hours`, hours(2, "08:00", "12:00")).expect(403);
    await fin.get(`/teams/${team}/working-hours`).expect(403);
    await fin.delete(`/teams/${team}/working-hours/${row.id}`).expect(403);
    await fin.post(`/teams/${team}/blackouts`, { starts_at: at(1), ends_at: at(2) }).expect(403);
    await fin.get(`/teams/${team}/blackouts`).expect(403);
    await fin.delete(`/teams/${team}/blackouts/${bo.id}`).expect(403);
    await as(t, org.dispatcher).get(`/teams/${team}/blackouts`).expect(200);
  });
});

describe("another org's team and rows", () => {
  it("answer 404 not_found on every route with an id and stay unchanged", async () => {
    const other = await staffOrg(t);
    const theirTeam = await newTeam(other);
    const theirHours = (
      await as(t, other.dispatcher)
        .post(`/teams/${theirTeam}/working-hours`, hours(1, "08:00", "12:00"))
        .expect(201)
    ).body as Hours;
    const theirBlackout = (
      await as(t, other.dispatcher)
        .post(`/teams/${theirTeam}/blackouts`, { starts_at: at(1), ends_at: at(2) })
        .expect(201)
    ).body as Blackout;
    const myTeam = await newTeam(org);
    const before = await snapshotOrg(t, other.owner.org.orgId);

    const me = as(t, org.owner);
    const attempts = [
      me.post(`/teams/${theirTeam}/working-hours`, hours(2, "08:00", "12:00")),
      me.get(`/teams/${theirTeam}/working-hours`),
      me.delete(`/teams/${theirTeam}/working-hours/${theirHours.id}`),
      me.delete(`/teams/${myTeam}/working-hours/${theirHours.id}`),
      me.post(`/teams/${theirTeam}/blackouts`, { starts_at: at(1), ends_at: at(2) }),
      me.get(`/teams/${theirTeam}/blackouts`),
      me.delete(`/teams/${theirTeam}/blackouts/${theirBlackout.id}`),
      me.delete(`/teams/${myTeam}/blackouts/${theirBlackout.id}`),
    ];
    for (const [i, res] of (await Promise.all(attempts)).entries()) {
      expect(res.status, `attempt ${i}`).toBe(404);
      expect(res.body.error.code).toBe("not_found");
    }
    expect(await snapshotOrg(t, other.owner.org.orgId)).toEqual(before);
  });
});
