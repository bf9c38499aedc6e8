import { signAccessToken } from "@cleanops/auth";
import { orgChecksums } from "@cleanops/db/testing";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_KEY_RING } from "./support/test-keys.ts";
import { bearer, PASSWORD, startTestApp, workerToken, type OrgRow, type TestApp, type WorkerRow } from "./support/test-app.ts";

let t: TestApp;
let org: OrgRow;
let other: OrgRow;
let me: WorkerRow;
let teamId: string;
let otherTeamId: string;
const hours = (n: number) => new Date(Date.now() + n * 3_600_000);

beforeAll(async () => {
  t = await startTestApp();
  org = await t.make.org();
  other = await t.make.org();
  teamId = (await t.make.team(org, { timezone: "Europe/Berlin" })).id;
  otherTeamId = (await t.make.team(org)).id;
  me = await t.make.worker(org, teamId, { name: "Ana" });
});
afterAll(() => t.close());

const asMe = () => bearer(workerToken(me, t.clock.now()));

describe("POST /auth/login", () => {
  it("signs a worker in with the org's slug, email and password: a worker-portal token", async () => {
    const res = await request(t.app).post("/auth/login").send({ org: org.slug, email: me.email.toUpperCase(), password: PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: "Bearer", worker: { id: me.id, name: "Ana" }, org: { id: org.orgId } });
    const jobs = await request(t.app)
      .get("/jobs")
      .set(bearer(res.body.access_token as string));
    expect(jobs.status).toBe(200);
    expect(t.logText()).not.toContain(PASSWORD);
  });

  it("finds the org by its slug before any context, though the app role sees no organization and no attempt without one", async () => {
    const seen = await t.orm.em
      .fork()
      .transactional((em) => em.execute<Array<{ n: number }>>(`select count(*)::int as n from organizations where slug = '${org.slug}'`));
    expect(seen).toEqual([{ n: 0 }]);
    await expect(t.orm.em.fork().transactional((em) => em.execute(`select count(*) from login_attempts`))).rejects.toMatchObject({
      code: "42501",
    });
    await request(t.app).post("/auth/login").send({ org: org.slug, email: me.email, password: PASSWORD }).expect(200);
  });

  it("answers the same 401 invalid_credentials for an unknown org, unknown email, wrong password and inactive worker", async () => {
    const inactive = await t.make.worker(org, teamId, { active: false });
    const tries = [
      { org: "no-such-org", email: me.email, password: PASSWORD },
      { org: org.slug, email: "nobody@example.test", password: PASSWORD },
      { org: org.slug, email: me.email, password: "wrong-password-123" },
      { org: other.slug, email: me.email, password: PASSWORD },
      { org: org.slug, email: inactive.email, password: PASSWORD },
    ];
    for (const body of tries) {
      const res = await request(t.app).post("/auth/login").send(body);
      expect(res.status, JSON.stringify(body)).toBe(401);
      expect(res.body.error.code).toBe("invalid_credentials");
    }
  });

  it("10 wrong passwords → 429 even with the right one; the worker's count is not a staff email's", async () => {
    const w = await t.make.worker(org, teamId);
    // The earlier tests' failures from this IP leave the 15-minute window.
    t.clock.advance(16 * 60);
    for (let i = 0; i < 10; i++) {
      const res = await request(t.app)
        .post("/auth/login")
        .send({ org: org.slug, email: w.email, password: `wrong-${i}-password` });
      expect(res.status).toBe(401);
    }
    const blocked = await request(t.app).post("/auth/login").send({ org: org.slug, email: w.email, password: PASSWORD });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe("rate_limited");
    expect(Number(blocked.headers["retry-after"])).toBeGreaterThan(0);
    const keys = await t.owner.query<{ email: string }>(`SELECT DISTINCT email FROM login_attempts WHERE email LIKE $1`, [`%${w.email}`]);
    expect(keys.rows.map((r) => r.email)).toEqual([`worker:${org.orgId}:${w.email}`]);
  });
});

describe("tokens: one audience per app, the worker re-checked on every request", () => {
  it("refuses a staff (admin-api) token signed with the same key ring", async () => {
    const staff = signAccessToken(
      { audience: "admin-api", sub: me.id, orgId: org.orgId, role: "owner" },
      { keyRing: TEST_KEY_RING, now: t.clock.now() },
    );
    const res = await request(t.app).get("/jobs").set(bearer(staff.token));
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("token_wrong_audience");
  });

  it("locks a deactivated worker out at the very next request", async () => {
    const w = await t.make.worker(org, teamId);
    const token = workerToken(w, t.clock.now());
    expect((await request(t.app).get("/jobs").set(bearer(token))).status).toBe(200);
    await t.owner.query(`UPDATE workers SET active = false WHERE id = $1`, [w.id]);
    const res = await request(t.app).get("/jobs").set(bearer(token));
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("membership_revoked");
  });

  it("a token of a worker id from another org does not open this org", async () => {
    const stranger = await t.make.worker(other, null);
    const forged = workerToken({ id: stranger.id, orgId: org.orgId }, t.clock.now());
    expect((await request(t.app).get("/jobs").set(bearer(forged))).status).toBe(401);
  });
});

describe("jobs", () => {
  it("lists the team's jobs of today and upcoming, soonest first: no past, cancelled, other team's or other org's", async () => {
    const later = await t.make.booking(org, { teamId, startsAt: hours(48) });
    const soon = await t.make.booking(org, { teamId, startsAt: hours(1) });
    const past = await t.make.booking(org, { teamId, startsAt: hours(-72) });
    const cancelled = await t.make.booking(org, { teamId, startsAt: hours(3), status: "cancelled" });
    const otherTeam = await t.make.booking(org, { teamId: otherTeamId, startsAt: hours(2) });
    const otherOrgTeam = await t.make.team(other);
    const otherOrg = await t.make.booking(other, { teamId: otherOrgTeam.id, startsAt: hours(2) });
    const res = await request(t.app).get("/jobs").set(asMe());
    expect(res.status).toBe(200);
    const ids = (res.body.items as { id: string }[]).map((j) => j.id);
    expect(ids.indexOf(soon.id)).toBeLessThan(ids.indexOf(later.id));
    expect(ids).toContain(soon.id);
    for (const hidden of [past, cancelled, otherTeam, otherOrg]) expect(ids).not.toContain(hidden.id);
  });

  it("shows a job with address, access notes, client name, add-ons without prices, and its checklist", async () => {
    const job = await t.make.booking(org, { teamId, startsAt: hours(2), clientName: "Mrs Dupont", notes: "Code 1234" });
    await t.make.addon(org, job.id, "Inside fridge", 2);
    const { itemIds } = await t.make.checklist(org, job.id, [{ label: "Kitchen" }, { label: "Windows", required: false }]);
    const res = await request(t.app).get(`/jobs/${job.id}`).set(asMe());
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: job.id,
      status: "confirmed",
      client_name: "Mrs Dupont",
      access_notes: "Code 1234",
      prices_visible: false,
    });
    expect(res.body.addons).toEqual([{ name: expect.stringContaining("Inside fridge") as string, quantity: 2 }]);
    expect(JSON.stringify(res.body)).not.toMatch(/price_cents|1500|12000/);
    expect((res.body.checklist.items as { id: string }[]).map((i) => i.id)).toEqual(itemIds);
  });

  it("start → tick (with a note) → untick → finish refused while a required item is unticked → finish", async () => {
    const job = await t.make.booking(org, { teamId, startsAt: hours(1) });
    const { runId, itemIds } = await t.make.checklist(org, job.id, [{ label: "Kitchen" }, { label: "Bins", required: false }]);
    const [kitchen = "", bins = ""] = itemIds;
    const tooEarly = await request(t.app).post(`/jobs/${job.id}/checklist/${kitchen}`).set(asMe()).send({ checked: true });
    expect(tooEarly.status).toBe(409);
    expect(tooEarly.body.error.code).toBe("job_not_started");

    const started = await request(t.app).post(`/jobs/${job.id}/start`).set(asMe());
    expect(started.status).toBe(200);
    expect(started.body.status).toBe("in_progress");
    const run = await t.owner.query(`SELECT worker_id FROM checklist_runs WHERE id = $1`, [runId]);
    expect(run.rows[0].worker_id).toBe(me.id);
    expect((await request(t.app).post(`/jobs/${job.id}/start`).set(asMe())).body.error.code).toBe("invalid_transition");

    const ticked = await request(t.app).post(`/jobs/${job.id}/checklist/${kitchen}`).set(asMe()).send({ checked: true, note: "Oven too" });
    expect(ticked.status).toBe(200);
    expect(ticked.body.checklist.items[0]).toMatchObject({ checked: true, note: "Oven too", checked_at: t.clock.now().toISOString() });
    const unticked = await request(t.app).post(`/jobs/${job.id}/checklist/${kitchen}`).set(asMe()).send({ checked: false });
    expect(unticked.body.checklist.items[0]).toMatchObject({ checked: false, note: "Oven too", checked_at: null });

    const refused = await request(t.app).post(`/jobs/${job.id}/finish`).set(asMe());
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: "checklist_incomplete", details: { unchecked_item_ids: [kitchen] } });
    expect((await t.owner.query(`SELECT status FROM bookings WHERE id = $1`, [job.id])).rows[0].status).toBe("in_progress");

    await request(t.app).post(`/jobs/${job.id}/checklist/${kitchen}`).set(asMe()).send({ checked: true });
    const finished = await request(t.app).post(`/jobs/${job.id}/finish`).set(asMe());
    expect(finished.status).toBe(200);
    expect(finished.body.status).toBe("completed");
    expect(finished.body.checklist.status).toBe("completed");
    expect(bins).not.toBe("");

    const audit = await t.owner.query<{ action: string; actor_user_id: string | null; changes: { actor?: { worker_id: string } } }>(
      `SELECT action, actor_user_id, changes FROM admin_audit_logs WHERE org_id = $1 AND action LIKE 'booking.%' AND entity_id = $2 ORDER BY created_at`,
      [org.orgId, job.id],
    );
    expect(audit.rows.map((r) => r.action)).toEqual(["booking.started", "booking.completed"]);
    for (const r of audit.rows) {
      expect(r.actor_user_id).toBeNull();
      expect(r.changes.actor?.worker_id).toBe(me.id);
    }
  });

  it("a job without an attached checklist starts and finishes without one", async () => {
    const job = await t.make.booking(org, { teamId, startsAt: hours(1) });
    expect((await request(t.app).post(`/jobs/${job.id}/start`).set(asMe())).body.checklist).toBeNull();
    expect((await request(t.app).post(`/jobs/${job.id}/finish`).set(asMe())).body.status).toBe("completed");
  });

  it("another team's job and another org's job: 404 not_found for every action, and nothing changes", async () => {
    const theirs = await t.make.booking(org, { teamId: otherTeamId, startsAt: hours(1) });
    const theirItems = await t.make.checklist(org, theirs.id, [{ label: "Kitchen" }]);
    const otherOrgTeam = await t.make.team(other);
    const foreign = await t.make.booking(other, { teamId: otherOrgTeam.id, startsAt: hours(1) });
    const foreignItems = await t.make.checklist(other, foreign.id, [{ label: "Kitchen" }]);
    const before = { org: await orgChecksums(t.owner, org.orgId), other: await orgChecksums(t.owner, other.orgId) };
    for (const [job, item] of [
      [theirs.id, theirItems.itemIds[0] ?? ""],
      [foreign.id, foreignItems.itemIds[0] ?? ""],
    ] as const) {
      const answers = [
        await request(t.app).get(`/jobs/${job}`).set(asMe()),
        await request(t.app).post(`/jobs/${job}/start`).set(asMe()),
        await request(t.app).post(`/jobs/${job}/checklist/${item}`).set(asMe()).send({ checked: true }),
        await request(t.app).post(`/jobs/${job}/finish`).set(asMe()),
        await request(t.app).post(`/jobs/${job}/photos`).set(asMe()).attach("photo", Buffer.from("x"), "x.png"),
      ];
      for (const res of answers) {
        expect(res.status).toBe(404);
        expect(res.body.error.code).toBe("not_found");
      }
    }
    expect(await orgChecksums(t.owner, org.orgId)).toEqual(before.org);
    expect(await orgChecksums(t.owner, other.orgId)).toEqual(before.other);
    expect(await t.storedFiles()).toEqual([]);
  });
});
