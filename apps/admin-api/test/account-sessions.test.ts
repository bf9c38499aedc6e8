import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, type Member } from "./support/factories.ts";
import { startTestApp, type TestApp } from "./support/test-app.ts";

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

type Session = { access_token: string; refresh_token: string };

async function signIn(m: Member, password = m.user.password, orgId?: string): Promise<Session> {
  const res = await request(t.app)
    .post("/auth/login")
    .send({ email: m.user.email, password, ...(orgId ? { org_id: orgId } : {}) })
    .expect(200);
  return res.body as Session;
}
const me = (s: Session) => request(t.app).get("/me").set(bearer(s.access_token));
const refresh = (s: Session) => request(t.app).post("/auth/refresh").send({ refresh_token: s.refresh_token });

describe("POST /auth/logout-all", () => {
  it("ends every session of the user in every org (access tokens refused at once, refresh tokens revoked); other users keep theirs", async () => {
    const m = await t.make.member("dispatcher");
    const second = await t.make.org();
    await t.make.membership({ org: second, user: m.user, role: "finance" });
    const bystander = await t.make.member("owner", { org: m.org });
    const a = await signIn(m, m.user.password, m.org.orgId);
    const b = await signIn(m, m.user.password, second.orgId);
    const theirs = await signIn(bystander);
    t.clock.advance(1);

    await request(t.app).post("/auth/logout-all").set(bearer(a.access_token)).expect(204);
    for (const s of [a, b]) {
      expect((await me(s).expect(401)).body.error.code).toBe("token_revoked");
      expect((await refresh(s).expect(401)).body.error.code).toBe("refresh_token_invalid");
    }
    await me(theirs).expect(200);
    await refresh(theirs).expect(200);
    const audit = await t.owner.query(`SELECT actor_user_id FROM admin_audit_logs WHERE org_id = $1 AND action = 'auth.logout_all'`, [
      m.org.orgId,
    ]);
    expect(audit.rows).toEqual([{ actor_user_id: m.user.id }]);
    // A new sign-in works.
    await me(await signIn(m, m.user.password, m.org.orgId)).expect(200);
  });
});

describe("POST /auth/password", () => {
  it("needs the current password; a new one ends every session; the old password stops working", async () => {
    const m = await t.make.member("admin");
    const s = await signIn(m);
    t.clock.advance(1);
    const change = (body: object) => request(t.app).post("/auth/password").set(bearer(s.access_token)).send(body);

    expect((await change({ current_password: "not-my-password", new_password: "a-brand-new-password" }).expect(401)).body.error.code).toBe(
      "invalid_credentials",
    );
    expect((await change({ current_password: m.user.password, new_password: "short" }).expect(400)).body.error.code).toBe(
      "validation_failed",
    );
    await me(s).expect(200);

    await change({ current_password: m.user.password, new_password: "a-brand-new-password" }).expect(204);
    expect((await me(s).expect(401)).body.error.code).toBe("token_revoked");
    expect((await refresh(s).expect(401)).body.error.code).toBe("refresh_token_invalid");
    await request(t.app).post("/auth/login").send({ email: m.user.email, password: m.user.password }).expect(401);
    await me(await signIn(m, "a-brand-new-password")).expect(200);
    const audit = await t.owner.query(
      `SELECT count(*)::int AS n FROM admin_audit_logs WHERE org_id = $1 AND action = 'auth.password_changed'`,
      [m.org.orgId],
    );
    expect(audit.rows).toEqual([{ n: 1 }]);
  });
});
