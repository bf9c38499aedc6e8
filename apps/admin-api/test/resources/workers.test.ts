import { createHash, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { snapshotOrg } from "../support/staff.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";
import { as, auditRows, invalidFields, itemsOf, staffOrg, type Staff } from "./staff-requests.ts";

let t: TestApp;
let org: Staff;
let teamA: string;
let teamB: string;

type WorkerBody = {
  id: string;
  name: string;
  email: string;
  phone: string | null;
  team_id: string | null;
  active: boolean;
  has_password: boolean;
  invitation_pending: boolean;
  invitation_expires_at: string | null;
  created_at: string;
  updated_at: string;
  invitation?: { token: string; expires_at: string } | null;
};

async function newTeam(s: Staff): Promise<string> {
  const res = await as(t, s.dispatcher)
    .post("/teams", { name: `Team ${randomUUID().slice(0, 8)}` })
    .expect(201);
  return (res.body as { id: string }).id;
}

const uniqueEmail = () => `w-${randomUUID().slice(0, 8)}@example.test`;

async function newWorker(s: Staff, team: string, extra: object = {}): Promise<WorkerBody> {
  const res = await as(t, s.dispatcher)
    .post("/workers", { name: "Ana", email: uniqueEmail(), team_id: team, ...extra })
    .expect(201);
  return res.body as WorkerBody;
}

const dbWorker = async (id: string) =>
  (
    await t.owner.query<{
      active: boolean;
      team_id: string | null;
      password_hash: string | null;
      invite_token_hash: string | null;
      invite_expires_at: Date | null;
    }>(`SELECT active, team_id, password_hash, invite_token_hash, invite_expires_at FROM workers WHERE id = $1`, [id])
  ).rows[0];

const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");

beforeAll(async () => {
  t = await startTestApp();
  org = await staffOrg(t);
  teamA = await newTeam(org);
  teamB = await newTeam(org);
});
afterAll(async () => {
  await t.close();
});

describe("POST /workers", () => {
  it("with a password: the worker can sign in (argon2 hash stored), the answer has no hash and no invitation", async () => {
    const res = await as(t, org.dispatcher)
      .post("/workers", { name: "Bea", email: "Bea@Example.TEST", team_id: teamA, phone: "+33 6 12 34 56 78", password: "a-long-password" })
      .expect(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      name: "Bea",
      email: "bea@example.test",
      phone: "+33 6 12 34 56 78",
      team_id: teamA,
      active: true,
      has_password: true,
      invitation_pending: false,
      invitation_expires_at: null,
      created_at: expect.any(String),
      updated_at: expect.any(String),
      invitation: null,
    });
    const row = await dbWorker((res.body as WorkerBody).id);
    expect(row?.password_hash).toMatch(/^\$argon2id\$/);
    expect(row?.invite_token_hash).toBeNull();
    expect(JSON.stringify(res.body)).not.toContain(row?.password_hash ?? "-");
    expect(JSON.stringify(res.body)).not.toContain("a-long-password");
  });

  it("without a password: an invitation token answered once, only its SHA-256 stored, 7 days; audited without secrets", async () => {
    const res = await as(t, org.admin).post("/workers", { name: "Caro", email: uniqueEmail(), team_id: teamA }).expect(201);
    const body = res.body as WorkerBody;
    const expires = new Date(t.clock.now().getTime() + 7 * 86_400_000).toISOString();
    expect(body).toMatchObject({ has_password: false, invitation_pending: true, invitation_expires_at: expires });
    expect(body.invitation).toEqual({ token: expect.stringMatching(/^[A-Za-z0-9_-]{43,}$/), expires_at: expires });
    const token = body.invitation?.token ?? "";
    const row = await dbWorker(body.id);
    expect(row?.invite_token_hash).toBe(sha256(token));
    expect(row?.invite_expires_at?.toISOString()).toBe(expires);
    expect(row?.password_hash).toBeNull();

    const { invitation: _shownOnce, ...view } = body;
    const audit = await auditRows(t.owner, org.owner.org.orgId, "worker.created");
    expect(audit).toContainEqual({ actor_user_id: org.admin.user.id, entity_type: "worker", entity_id: body.id, changes: { after: view } });
    const everything = JSON.stringify(audit) + t.logText();
    expect(everything).not.toContain(token);
    expect(everything).not.toContain(sha256(token));
    // A read never shows the token again.
    const again = await as(t, org.admin).get(`/workers/${body.id}`).expect(200);
    expect(again.body).toEqual(view);
  });

  it("refuses bad bodies with validation_failed naming the field", async () => {
    const me = as(t, org.dispatcher);
    const good = { name: "Dee", email: uniqueEmail(), team_id: teamA };
    const cases: [object, string][] = [
      [{ ...good, password: "short" }, "password"],
      [{ ...good, email: "not-an-email" }, "email"],
      [{ ...good, team_id: "nope" }, "team_id"],
      [{ ...good, name: "" }, "name"],
      [{ ...good, phone: "call me" }, "phone"],
      [{ name: "Dee", email: uniqueEmail() }, "team_id"],
      [{ ...good, password_hash: "x" }, ""],
      [{ ...good, active: false }, ""],
    ];
    for (const [body, field] of cases) {
      const res = await me.post("/workers", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe("validation_failed");
      expect(invalidFields(res.body), JSON.stringify(body)).toContain(field);
    }
    expect((await t.owner.query(`SELECT 1 FROM workers WHERE email = $1`, [good.email])).rowCount).toBe(0);
  });

  it("a duplicate email in the org is 409 already_exists (any case); another org may use it", async () => {
    const first = await newWorker(org, teamA);
    const res = await as(t, org.dispatcher)
      .post("/workers", { name: "Other", email: first.email.toUpperCase(), team_id: teamB })
      .expect(409);
    expect(res.body.error).toMatchObject({
      code: "already_exists",
      message: "A worker with this email already exists in this organization.",
    });
    const other = await staffOrg(t);
    await newWorker(other, await newTeam(other), { email: first.email });
  });

  it("two requests racing for one email: one 201, the others the same clear 409", async () => {
    const email = uniqueEmail();
    const results = await Promise.all([1, 2, 3].map(() => as(t, org.dispatcher).post("/workers", { name: "Race", email, team_id: teamA })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    for (const r of results.filter((x) => x.status === 409)) {
      expect(r.body.error).toMatchObject({
        code: "already_exists",
        message: "A worker with this email already exists in this organization.",
      });
    }
  });

  it("an unknown team is 404 not_found", async () => {
    const res = await as(t, org.dispatcher).post("/workers", { name: "Eve", email: uniqueEmail(), team_id: randomUUID() }).expect(404);
    expect(res.body.error.code).toBe("not_found");
  });
});

describe("GET /workers and /workers/:id", () => {
  it("lists newest first, filtered by team and by active, with a cursor", async () => {
    const s = await staffOrg(t);
    const [ta, tb] = [await newTeam(s), await newTeam(s)];
    const w1 = await newWorker(s, ta);
    t.clock.advance(1);
    const w2 = await newWorker(s, tb);
    t.clock.advance(1);
    const w3 = await newWorker(s, ta);
    await as(t, s.dispatcher).post(`/workers/${w3.id}/deactivate`).expect(200);
    const me = as(t, s.dispatcher);
    const ids = async (q: string) => itemsOf((await me.get(`/workers${q}`).expect(200)).body).map((w) => w.id);
    expect(await ids("")).toEqual([w3.id, w2.id, w1.id]);
    expect(await ids(`?team_id=${ta}`)).toEqual([w3.id, w1.id]);
    expect(await ids("?active=true")).toEqual([w2.id, w1.id]);
    expect(await ids(`?active=false&team_id=${ta}`)).toEqual([w3.id]);
    const page1 = await me.get("/workers?limit=2").expect(200);
    const cursor = (page1.body as { next_cursor: string }).next_cursor;
    expect(await ids(`?limit=2&cursor=${cursor}`)).toEqual([w1.id]);
    const bad = await me.get("/workers?active=1&team_id=x").expect(400);
    expect(invalidFields(bad.body).sort()).toEqual(["active", "team_id"]);
    await me.get(`/workers/${randomUUID()}`).expect(404);
  });
});

describe("PATCH /workers/:id and POST /workers/:id/move", () => {
  it("changes name, email and phone (audited); a taken email is 409", async () => {
    const w = await newWorker(org, teamA, { phone: "0612345678" });
    const other = await newWorker(org, teamA);
    const me = as(t, org.dispatcher);
    const res = await me.patch(`/workers/${w.id}`, { name: "Renamed", email: "RENAMED-" + w.email, phone: null }).expect(200);
    expect(res.body).toMatchObject({ name: "Renamed", email: `renamed-${w.email}`, phone: null });
    const audit = await auditRows(t.owner, org.owner.org.orgId, "worker.updated");
    expect(audit).toContainEqual(
      expect.objectContaining({
        entity_id: w.id,
        changes: {
          before: { name: "Ana", email: w.email, phone: "0612345678" },
          after: { name: "Renamed", email: `renamed-${w.email}`, phone: null },
        },
      }),
    );
    const dup = await me.patch(`/workers/${w.id}`, { email: other.email }).expect(409);
    expect(dup.body.error.code).toBe("already_exists");
    const bad = await me.patch(`/workers/${w.id}`, { team_id: teamB, active: false }).expect(400);
    expect(bad.body.error.code).toBe("validation_failed");
  });

  it("moves a worker to another team (audited as worker.moved)", async () => {
    const w = await newWorker(org, teamA);
    const res = await as(t, org.dispatcher).post(`/workers/${w.id}/move`, { team_id: teamB }).expect(200);
    expect(res.body.team_id).toBe(teamB);
    expect((await dbWorker(w.id))?.team_id).toBe(teamB);
    expect(await auditRows(t.owner, org.owner.org.orgId, "worker.moved")).toContainEqual(
      expect.objectContaining({ entity_id: w.id, changes: { before: { team_id: teamA }, after: { team_id: teamB } } }),
    );
    const bad = await as(t, org.dispatcher).post(`/workers/${w.id}/move`, {}).expect(400);
    expect(invalidFields(bad.body)).toEqual(["team_id"]);
    await as(t, org.dispatcher).post(`/workers/${w.id}/move`, { team_id: randomUUID() }).expect(404);
  });
});

describe("deactivate, reactivate, invitation", () => {
  it("deactivating sets active=false and clears the pending invitation; idempotent; audited once", async () => {
    const w = await newWorker(org, teamA);
    expect(w.invitation_pending).toBe(true);
    const me = as(t, org.dispatcher);
    const res = await me.post(`/workers/${w.id}/deactivate`).expect(200);
    expect(res.body).toMatchObject({ active: false, invitation_pending: false, invitation_expires_at: null });
    expect(await dbWorker(w.id)).toMatchObject({ active: false, invite_token_hash: null, invite_expires_at: null });
    await me.post(`/workers/${w.id}/deactivate`).expect(200);
    const audit = (await auditRows(t.owner, org.owner.org.orgId, "worker.deactivated")).filter((a) => a.entity_id === w.id);
    expect(audit).toEqual([
      expect.objectContaining({
        actor_user_id: org.dispatcher.user.id,
        changes: {
          before: { active: true, invitation_pending: true, invitation_expires_at: w.invitation_expires_at },
          after: { active: false, invitation_pending: false, invitation_expires_at: null },
        },
      }),
    ]);

    // Inactive: no new invitation until reactivated.
    const refused = await me.post(`/workers/${w.id}/invitation`).expect(409);
    expect(refused.body.error.code).toBe("conflict");
    const back = await me.post(`/workers/${w.id}/reactivate`).expect(200);
    expect(back.body).toMatchObject({ active: true, invitation_pending: false });
    await me.post(`/workers/${w.id}/reactivate`).expect(200);
    expect((await auditRows(t.owner, org.owner.org.orgId, "worker.reactivated")).filter((a) => a.entity_id === w.id)).toHaveLength(1);
  });

  it("re-issuing an invitation replaces the token (201, audited without secrets)", async () => {
    const w = await newWorker(org, teamA);
    const oldHash = (await dbWorker(w.id))?.invite_token_hash;
    t.clock.advance(60);
    const res = await as(t, org.admin).post(`/workers/${w.id}/invitation`).expect(201);
    const body = res.body as WorkerBody;
    const token = body.invitation?.token ?? "";
    expect(body).toMatchObject({ id: w.id, invitation_pending: true, invitation_expires_at: body.invitation?.expires_at });
    const row = await dbWorker(w.id);
    expect(row?.invite_token_hash).toBe(sha256(token));
    expect(row?.invite_token_hash).not.toBe(oldHash);
    const audit = (await auditRows(t.owner, org.owner.org.orgId, "worker.invitation_issued")).filter((a) => a.entity_id === w.id);
    expect(audit).toEqual([
      expect.objectContaining({ changes: { invitation_expires_at: body.invitation?.expires_at, replaced_pending_invitation: true } }),
    ]);
    expect(JSON.stringify(audit)).not.toContain(token);
  });
});

describe("roles", () => {
  it("finance gets 403 on every worker route; dispatcher is allowed", async () => {
    const w = await newWorker(org, teamA);
    const fin = as(t, org.finance);
    const attempts = [
      fin.post("/workers", { name: "F", email: uniqueEmail(), team_id: teamA }),
      fin.get("/workers"),
      fin.get(`/workers/${w.id}`),
      fin.patch(`/workers/${w.id}`, { name: "F" }),
      fin.post(`/workers/${w.id}/move`, { team_id: teamB }),
      fin.post(`/workers/${w.id}/deactivate`),
      fin.post(`/workers/${w.id}/reactivate`),
      fin.post(`/workers/${w.id}/invitation`),
    ];
    for (const [i, res] of (await Promise.all(attempts)).entries()) expect(res.status, `attempt ${i}`).toBe(403);
    await as(t, org.dispatcher).get(`/workers/${w.id}`).expect(200);
  });
});

describe("another org's ids", () => {
  it("answer 404 not_found on every route with an id (and as team_id in bodies); their rows stay unchanged", async () => {
    const other = await staffOrg(t);
    const theirTeam = await newTeam(other);
    const theirs = await newWorker(other, theirTeam);
    const mine = await newWorker(org, teamA);
    const before = await snapshotOrg(t, other.owner.org.orgId);
    const myBefore = await dbWorker(mine.id);

    const me = as(t, org.owner);
    const attempts = [
      me.get(`/workers/${theirs.id}`),
      me.patch(`/workers/${theirs.id}`, { name: "Mine" }),
      me.post(`/workers/${theirs.id}/move`, { team_id: teamA }),
      me.post(`/workers/${theirs.id}/deactivate`),
      me.post(`/workers/${theirs.id}/reactivate`),
      me.post(`/workers/${theirs.id}/invitation`),
      me.post("/workers", { name: "X", email: uniqueEmail(), team_id: theirTeam }),
      me.post(`/workers/${mine.id}/move`, { team_id: theirTeam }),
    ];
    for (const [i, res] of (await Promise.all(attempts)).entries()) {
      expect(res.status, `attempt ${i}`).toBe(404);
      expect(res.body.error.code).toBe("not_found");
    }
    const listed = await me.get(`/workers?team_id=${theirTeam}`).expect(200);
    expect(itemsOf(listed.body)).toEqual([]);
    expect(await snapshotOrg(t, other.owner.org.orgId)).toEqual(before);
    expect(await dbWorker(mine.id)).toEqual(myBefore);
  });
});
