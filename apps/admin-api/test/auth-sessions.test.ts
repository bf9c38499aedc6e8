import { hashToken } from "@cleanops/auth";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessTokenFor, bearer, type Member } from "./support/factories.ts";
import { startTestApp, type TestApp } from "./support/test-app.ts";

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

type Session = { access_token: string; refresh_token: string; org: { org_id: string }; role: string };

async function signIn(m: Member, orgId?: string): Promise<Session> {
  const res = await request(t.app)
    .post("/auth/login")
    .send({ email: m.user.email, password: m.user.password, ...(orgId ? { org_id: orgId } : {}) })
    .expect(200);
  return res.body as Session;
}

const refresh = (token: string) => request(t.app).post("/auth/refresh").send({ refresh_token: token });

async function tokenRow(token: string) {
  const r = await t.owner.query<{ family_id: string; used_at: Date | null; revoked_at: Date | null; org_id: string; user_id: string }>(
    `SELECT family_id, used_at, revoked_at, org_id, user_id FROM refresh_tokens WHERE token_hash = $1`,
    [hashToken(token)],
  );
  return r.rows[0];
}

describe("POST /auth/refresh", () => {
  it("rotates: a new pair in the same family, bound to the same user and org, the old token spent", async () => {
    const m = await t.make.member("dispatcher");
    const first = await signIn(m);
    const second = (await refresh(first.refresh_token).expect(200)).body as Session;
    expect(second).toMatchObject({ org: { org_id: m.org.orgId }, role: "dispatcher" });
    expect(second.refresh_token).not.toBe(first.refresh_token);
    const [a, b] = [await tokenRow(first.refresh_token), await tokenRow(second.refresh_token)];
    expect(a?.used_at).not.toBeNull();
    expect(b).toMatchObject({ family_id: a?.family_id, used_at: null, revoked_at: null, org_id: m.org.orgId, user_id: m.user.id });
    await request(t.app).get("/me").set(bearer(second.access_token)).expect(200);
  });

  it("carries the CURRENT role into the new access token", async () => {
    const m = await t.make.member("admin");
    const s = await signIn(m);
    await t.owner.query(`UPDATE memberships SET role = 'finance' WHERE id = $1`, [m.membership.id]);
    expect((await refresh(s.refresh_token).expect(200)).body.role).toBe("finance");
  });

  it("a reused refresh token revokes the whole family: the thief's and the owner's tokens both stop working", async () => {
    const m = await t.make.member("finance");
    const s1 = await signIn(m);
    const s2 = (await refresh(s1.refresh_token).expect(200)).body as Session;
    const s3 = (await refresh(s2.refresh_token).expect(200)).body as Session;
    // s1 comes back (stolen earlier): refused, and every token of the sign-in is revoked.
    const reused = await refresh(s1.refresh_token).expect(401);
    expect(reused.body.error.code).toBe("refresh_token_reused");
    expect((await refresh(s3.refresh_token).expect(401)).body.error.code).toBe("refresh_token_invalid");
    const family = await t.owner.query(
      `SELECT count(*) FILTER (WHERE revoked_at IS NULL)::int AS live FROM refresh_tokens WHERE user_id = $1`,
      [m.user.id],
    );
    expect(family.rows[0]).toEqual({ live: 0 });
    const audit = await t.owner.query(
      `SELECT org_id, changes FROM admin_audit_logs WHERE action = 'auth.refresh_reuse_detected' AND changes->>'user_id' = $1`,
      [m.user.id],
    );
    expect(audit.rows).toEqual([{ org_id: m.org.orgId, changes: { user_id: m.user.id, revoked_tokens: 3 } }]);
    // Another sign-in (another family) is untouched.
    const other = await signIn(m);
    await refresh(other.refresh_token).expect(200);
  });

  it("two concurrent exchanges of one token: one rotates, the other is treated as reuse", async () => {
    const m = await t.make.member("dispatcher");
    const s = await signIn(m);
    const [x, y] = await Promise.all([refresh(s.refresh_token), refresh(s.refresh_token)]);
    expect([x.status, y.status].sort()).toEqual([200, 401]);
  });

  it("refuses an unknown, an expired and a malformed refresh token", async () => {
    expect((await refresh("A".repeat(43)).expect(401)).body.error.code).toBe("refresh_token_invalid");
    const m = await t.make.member("dispatcher");
    const s = await signIn(m);
    t.clock.advance(31 * 24 * 60 * 60);
    expect((await refresh(s.refresh_token).expect(401)).body.error.code).toBe("refresh_token_invalid");
    expect((await refresh("short").expect(400)).body.error.code).toBe("validation_failed");
  });

  it("a revoked membership cannot refresh either", async () => {
    const m = await t.make.member("admin");
    const s = await signIn(m);
    await t.owner.query(`UPDATE memberships SET revoked_at = now() WHERE id = $1`, [m.membership.id]);
    expect((await refresh(s.refresh_token).expect(401)).body.error.code).toBe("membership_revoked");
    expect((await tokenRow(s.refresh_token))?.revoked_at).not.toBeNull();
  });
});

describe("POST /auth/logout", () => {
  it("revokes the sign-in's family; answers 204 for an unknown token too", async () => {
    const m = await t.make.member("dispatcher");
    const s = await signIn(m);
    const rotated = (await refresh(s.refresh_token).expect(200)).body as Session;
    await request(t.app).post("/auth/logout").send({ refresh_token: rotated.refresh_token }).expect(204);
    expect((await refresh(rotated.refresh_token).expect(401)).body.error.code).toBe("refresh_token_invalid");
    await request(t.app)
      .post("/auth/logout")
      .send({ refresh_token: "B".repeat(43) })
      .expect(204);
  });
});

describe("POST /auth/switch-org", () => {
  it("issues a pair for the other org after checking that membership; the role is the one held there", async () => {
    const m = await t.make.member("owner");
    const second = await t.make.org({ name: "Second Co" });
    await t.make.membership({ org: second, user: m.user, role: "finance" });
    const s = await signIn(m, m.org.orgId);
    const switched = (await request(t.app).post("/auth/switch-org").set(bearer(s.access_token)).send({ org_id: second.orgId }).expect(200))
      .body as Session;
    expect(switched).toMatchObject({ org: { org_id: second.orgId, name: "Second Co" }, role: "finance" });
    const me = (await request(t.app).get("/me").set(bearer(switched.access_token)).expect(200)).body as {
      org_id: string;
      role: string;
      memberships: { org_id: string }[];
    };
    expect(me).toMatchObject({ org_id: second.orgId, role: "finance" });
    expect(me.memberships.map((x) => x.org_id).sort()).toEqual([m.org.orgId, second.orgId].sort());
    expect((await tokenRow(switched.refresh_token))?.org_id).toBe(second.orgId);
    const audit = await t.owner.query(`SELECT changes FROM admin_audit_logs WHERE org_id = $1 AND action = 'auth.org_switched'`, [
      second.orgId,
    ]);
    expect(audit.rows).toEqual([{ changes: { role: "finance", from_org_id: m.org.orgId } }]);
  });

  it("refuses an org without a live membership as not found (existence is not disclosed)", async () => {
    const m = await t.make.member("owner");
    const stranger = await t.make.member("owner");
    const revoked = await t.make.org();
    await t.make.membership({ org: revoked, user: m.user, role: "admin", revokedAt: new Date() });
    const token = accessTokenFor({ userId: m.user.id, orgId: m.org.orgId, role: "owner" }, { now: t.clock.now() });
    for (const orgId of [stranger.org.orgId, revoked.orgId]) {
      const res = await request(t.app).post("/auth/switch-org").set(bearer(token)).send({ org_id: orgId }).expect(404);
      expect(res.body.error.code).toBe("not_found");
    }
    await request(t.app).post("/auth/switch-org").send({ org_id: stranger.org.orgId }).expect(401);
  });
});

describe("GET /me", () => {
  it("the user, the current org and role, and every live membership", async () => {
    const m = await t.make.member("dispatcher", { user: { name: "Dina Dispatch" } });
    const token = accessTokenFor({ userId: m.user.id, orgId: m.org.orgId, role: "dispatcher" }, { now: t.clock.now() });
    const res = await request(t.app).get("/me").set(bearer(token)).expect(200);
    expect(res.body).toEqual({
      user: { id: m.user.id, email: m.user.email, name: "Dina Dispatch" },
      org_id: m.org.orgId,
      role: "dispatcher",
      memberships: [{ membership_id: m.membership.id, org_id: m.org.orgId, name: m.org.name, slug: m.org.slug, role: "dispatcher" }],
    });
  });
});
