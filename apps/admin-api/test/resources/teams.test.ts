import { randomUUID } from "node:crypto";
import request from "supertest";
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

type TeamBody = { id: string; name: string; color: string; active: boolean; created_at: string; updated_at: string };

const newTeam = async (s: Staff, body: object = { name: `Team ${randomUUID().slice(0, 8)}` }) =>
  (await as(t, s.dispatcher).post("/teams", body).expect(201)).body as TeamBody;

describe("POST /teams", () => {
  it("creates a team (default colour, active), audited", async () => {
    const res = await as(t, org.dispatcher).post("/teams", { name: "North crew" }).expect(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      name: "North crew",
      color: "#3b82f6",
      active: true,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const audit = await auditRows(t.owner, org.owner.org.orgId, "team.created");
    expect(audit).toContainEqual({
      actor_user_id: org.dispatcher.user.id,
      entity_type: "team",
      entity_id: res.body.id,
      changes: { after: res.body },
    });
  });

  it("takes a colour; refuses bad fields with validation_failed naming them", async () => {
    const ok = await as(t, org.admin).post("/teams", { name: "Blue", color: "#ABCDEF" }).expect(201);
    expect(ok.body.color).toBe("#abcdef");
    const bad = await as(t, org.admin).post("/teams", { name: " ", color: "blue", extra: 1 }).expect(400);
    expect(bad.body.error.code).toBe("validation_failed");
    expect(invalidFields(bad.body)).toEqual(expect.arrayContaining(["name", "color"]));
    const missing = await as(t, org.admin).post("/teams", {}).expect(400);
    expect(invalidFields(missing.body)).toEqual(["name"]);
  });

  it("refuses a duplicate name in the org with 409 already_exists and a clear message; other orgs may reuse it", async () => {
    await newTeam(org, { name: "Dup crew" });
    const res = await as(t, org.owner).post("/teams", { name: "Dup crew" }).expect(409);
    expect(res.body.error).toMatchObject({
      code: "already_exists",
      message: 'A team named "Dup crew" already exists in this organization.',
    });
    const other = await staffOrg(t);
    await newTeam(other, { name: "Dup crew" });
  });

  it("two requests racing for one name: one 201, the other the same clear 409 (from the unique key)", async () => {
    const name = `Race ${randomUUID().slice(0, 8)}`;
    const results = await Promise.all([1, 2, 3].map(() => as(t, org.dispatcher).post("/teams", { name })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    for (const r of results.filter((x) => x.status === 409)) {
      expect(r.body.error).toMatchObject({
        code: "already_exists",
        message: `A team named "${name}" already exists in this organization.`,
      });
    }
  });

  it("finance is refused (403), dispatcher and admin allowed", async () => {
    await as(t, org.finance).post("/teams", { name: "Finance crew" }).expect(403);
    await as(t, org.finance).get("/teams").expect(403);
  });
});

describe("GET /teams and /teams/:id", () => {
  it("lists active teams newest first with a cursor; include_inactive adds the deactivated ones", async () => {
    const s = await staffOrg(t);
    const a = await newTeam(s, { name: "A" });
    t.clock.advance(1);
    const b = await newTeam(s, { name: "B" });
    t.clock.advance(1);
    const c = await newTeam(s, { name: "C" });
    await as(t, s.dispatcher).patch(`/teams/${b.id}`, { active: false }).expect(200);

    const active = await as(t, s.dispatcher).get("/teams").expect(200);
    expect(itemsOf<TeamBody>(active.body).map((x) => x.name)).toEqual(["C", "A"]);
    expect(active.body.next_cursor).toBeNull();

    const page1 = await as(t, s.dispatcher).get("/teams?include_inactive=true&limit=2").expect(200);
    expect(itemsOf(page1.body).map((x) => x.id)).toEqual([c.id, b.id]);
    const page2 = await as(t, s.dispatcher)
      .get(`/teams?include_inactive=true&limit=2&cursor=${page1.body.next_cursor as string}`)
      .expect(200);
    expect(page2.body).toEqual({ items: [expect.objectContaining({ id: a.id })], next_cursor: null });

    const bad = await as(t, s.dispatcher).get("/teams?include_inactive=yes&limit=500").expect(400);
    expect(invalidFields(bad.body).sort()).toEqual(["include_inactive", "limit"]);
  });

  it("gets a team with its working hours and upcoming blackouts only", async () => {
    const team = await newTeam(org);
    await as(t, org.dispatcher)
      .post(`/teams/${team.id}/working-hours`, { weekday: 1, starts_at_local: "08:00", ends_at_local: "12:00", timezone: "Europe/Paris" })
      .expect(201);
    const now = t.clock.now().getTime();
    const past = { starts_at: new Date(now - 3 * 86400_000).toISOString(), ends_at: new Date(now - 2 * 86400_000).toISOString() };
    const soon = {
      starts_at: new Date(now + 86400_000).toISOString(),
      ends_at: new Date(now + 2 * 86400_000).toISOString(),
      reason: "training",
    };
    await as(t, org.dispatcher).post(`/teams/${team.id}/blackouts`, past).expect(201);
    const upcoming = await as(t, org.dispatcher).post(`/teams/${team.id}/blackouts`, soon).expect(201);

    const res = await as(t, org.dispatcher).get(`/teams/${team.id}`).expect(200);
    expect(res.body).toMatchObject({
      id: team.id,
      name: team.name,
      working_hours: [{ team_id: team.id, weekday: 1, starts_at_local: "08:00", ends_at_local: "12:00", timezone: "Europe/Paris" }],
      upcoming_blackouts: [{ id: upcoming.body.id, reason: "training" }],
    });
    expect(res.body.upcoming_blackouts).toHaveLength(1);
    await as(t, org.finance).get(`/teams/${team.id}`).expect(403);
    await as(t, org.dispatcher).get(`/teams/${randomUUID()}`).expect(404);
    await as(t, org.dispatcher).get(`/teams/not-a-uuid`).expect(400);
  });
});

describe("PATCH /teams/:id", () => {
  it("renames, recolours and deactivates (audited as team.deactivated)", async () => {
    const team = await newTeam(org);
    const res = await as(t, org.dispatcher)
      .patch(`/teams/${team.id}`, { name: "Renamed crew", color: "#000000", active: false })
      .expect(200);
    expect(res.body).toMatchObject({ id: team.id, name: "Renamed crew", color: "#000000", active: false });
    const audit = await auditRows(t.owner, org.owner.org.orgId, "team.deactivated");
    expect(audit).toContainEqual(
      expect.objectContaining({
        entity_id: team.id,
        changes: {
          before: { name: team.name, color: "#3b82f6", active: true },
          after: { name: "Renamed crew", color: "#000000", active: false },
        },
      }),
    );
    const row = await t.owner.query(`SELECT name, active FROM teams WHERE id = $1`, [team.id]);
    expect(row.rows).toEqual([{ name: "Renamed crew", active: false }]);
  });

  it("refuses taking another team's name (409) and bad fields (400); finance is refused", async () => {
    const a = await newTeam(org);
    const b = await newTeam(org);
    const dup = await as(t, org.admin).patch(`/teams/${b.id}`, { name: a.name }).expect(409);
    expect(dup.body.error.code).toBe("already_exists");
    // Its own name is no conflict.
    await as(t, org.admin).patch(`/teams/${b.id}`, { name: b.name }).expect(200);
    const bad = await as(t, org.admin).patch(`/teams/${b.id}`, { active: "no", id: b.id }).expect(400);
    expect(bad.body.error.code).toBe("validation_failed");
    expect(invalidFields(bad.body)).toContain("active");
    await as(t, org.finance).patch(`/teams/${b.id}`, { name: "x" }).expect(403);
  });
});

describe("another org's team", () => {
  it("answers 404 not_found on every route with its id and stays unchanged", async () => {
    const other = await staffOrg(t);
    const theirs = await newTeam(other, { name: "Theirs" });
    const before = await snapshotOrg(t, other.owner.org.orgId);
    const me = as(t, org.owner);
    for (const res of [await me.get(`/teams/${theirs.id}`), await me.patch(`/teams/${theirs.id}`, { name: "Mine now", active: false })]) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe("not_found");
    }
    const listed = await me.get("/teams?include_inactive=true&limit=100").expect(200);
    expect(itemsOf(listed.body).map((x) => x.id)).not.toContain(theirs.id);
    expect(await snapshotOrg(t, other.owner.org.orgId)).toEqual(before);
  });
});

describe("OpenAPI document", () => {
  it("lists the team, schedule and worker routes with their named schemas and module error codes", async () => {
    const res = await request(t.app).get("/openapi.json").expect(200);
    const doc = res.body as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, unknown> };
      info: { description: string };
    };
    for (const path of [
      "/teams",
      "/teams/{id}",
      "/teams/{id}/working-hours",
      "/teams/{id}/working-hours/{hours_id}",
      "/teams/{id}/blackouts",
      "/teams/{id}/blackouts/{blackout_id}",
      "/workers",
      "/workers/{id}",
      "/workers/{id}/move",
      "/workers/{id}/deactivate",
      "/workers/{id}/reactivate",
      "/workers/{id}/invitation",
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(["Team", "TeamDetail", "TeamWorkingHours", "TeamBlackout", "Worker", "WorkerWithInvitation"]),
    );
    expect(Object.keys(doc.paths["/teams/{id}/working-hours"]?.post?.responses ?? {})).toEqual(
      expect.arrayContaining(["201", "400", "404", "409"]),
    );
    expect(doc.info.description).toContain("`timezone_mismatch` | 409");
    expect(doc.info.description).toContain("`working_hours_overlap` | 409");
  });
});
