import { hashToken } from "@cleanops/auth";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { capabilitiesOf } from "../src/authz/permissions.ts";
import type { Member } from "./support/factories.ts";
import { auditRows, signedIn, snapshotOrg } from "./support/staff.ts";
import { startTestApp, type TestApp } from "./support/test-app.ts";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const CSRF = { "X-CleanOps-CSRF": "1" };

/** The refresh cookie's `name=value` and its attributes, from a response's Set-Cookie. */
function cookieOf(res: request.Response): { pair: string; value: string; attributes: string } {
  const header = ([] as string[]).concat(res.headers["set-cookie"] ?? [])[0] ?? "";
  const [pair = "", ...rest] = header.split("; ");
  return { pair, value: pair.split("=")[1] ?? "", attributes: rest.join("; ") };
}

async function browserSignIn(m: Member, headers: Record<string, string> = {}) {
  return request(t.app).post("/auth/session").set(headers).send({ email: m.user.email, password: m.user.password }).expect(200);
}

async function tokenRow(token: string) {
  const r = await t.owner.query<{ used_at: Date | null; revoked_at: Date | null }>(
    `SELECT used_at, revoked_at FROM refresh_tokens WHERE token_hash = $1`,
    [hashToken(token)],
  );
  return r.rows[0];
}

describe("browser sessions: the refresh token only in an HttpOnly cookie", () => {
  it("POST /auth/session answers the access token only and sets an HttpOnly, SameSite=Strict, path-scoped cookie", async () => {
    const m = await t.make.member("dispatcher");
    const res = await browserSignIn(m, { "X-Forwarded-Prefix": "/api" });
    expect(res.body).toMatchObject({ role: "dispatcher", org: { org_id: m.org.orgId }, token_type: "Bearer" });
    expect(res.body).not.toHaveProperty("refresh_token");
    expect(typeof res.body.access_token).toBe("string");
    const c = cookieOf(res);
    expect(c.pair.startsWith("cleanops_admin_refresh=")).toBe(true);
    expect(c.attributes).toContain("HttpOnly");
    expect(c.attributes).toContain("SameSite=Strict");
    expect(c.attributes).toContain("Path=/api/auth/session");
    // Plain http (the local stack): a Secure cookie would be dropped by the browser.
    expect(c.attributes).not.toContain("Secure");
    expect(await tokenRow(c.value)).toMatchObject({ used_at: null, revoked_at: null });
    // The access token works on the API.
    await request(t.app)
      .get("/me")
      .set({ authorization: `Bearer ${res.body.access_token}` })
      .expect(200);
  });

  it("a junk prefix header is not taken into the cookie's path", async () => {
    const m = await t.make.member("finance");
    const res = await browserSignIn(m, { "X-Forwarded-Prefix": "/x; Domain=evil.test" });
    expect(cookieOf(res).attributes).toContain("Path=/auth/session;");
    expect(cookieOf(res).attributes).not.toContain("evil");
  });

  it("refresh rotates the cookie, needs the CSRF header, and refuses a cross-site request", async () => {
    const m = await t.make.member("finance");
    const first = cookieOf(await browserSignIn(m));
    const noHeader = await request(t.app).post("/auth/session/refresh").set("Cookie", first.pair);
    expect(noHeader.status).toBe(403);
    expect(noHeader.body.error.code).toBe("forbidden");
    const crossSite = await request(t.app)
      .post("/auth/session/refresh")
      .set(CSRF)
      .set("Sec-Fetch-Site", "cross-site")
      .set("Cookie", first.pair);
    expect(crossSite.status).toBe(403);
    expect(await tokenRow(first.value)).toMatchObject({ used_at: null });

    const ok = await request(t.app)
      .post("/auth/session/refresh")
      .set(CSRF)
      .set("Sec-Fetch-Site", "same-origin")
      .set("Cookie", first.pair)
      .expect(200);
    expect(ok.body).not.toHaveProperty("refresh_token");
    const second = cookieOf(ok);
    expect(second.value).not.toBe(first.value);
    expect((await tokenRow(first.value))?.used_at).not.toBeNull();

    // A replayed cookie revokes the family (reuse detection of /auth/refresh).
    const replay = await request(t.app).post("/auth/session/refresh").set(CSRF).set("Cookie", first.pair);
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe("refresh_token_reused");
    expect((await tokenRow(second.value))?.revoked_at).not.toBeNull();
  });

  it("refresh without a cookie is 401 refresh_token_invalid", async () => {
    const res = await request(t.app).post("/auth/session/refresh").set(CSRF);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("refresh_token_invalid");
  });

  it("DELETE /auth/session revokes the family and clears the cookie", async () => {
    const m = await t.make.member("admin");
    const c = cookieOf(await browserSignIn(m));
    await request(t.app).delete("/auth/session").set("Cookie", c.pair).expect(403);
    const res = await request(t.app).delete("/auth/session").set(CSRF).set("Cookie", c.pair).expect(204);
    expect(cookieOf(res).attributes).toContain("Max-Age=0");
    expect((await tokenRow(c.value))?.revoked_at).not.toBeNull();
    const after = await request(t.app).post("/auth/session/refresh").set(CSRF).set("Cookie", c.pair);
    expect(after.status).toBe(401);
  });

  it("an account with several orgs is asked which one, without a cookie", async () => {
    const m = await t.make.member("owner");
    const other = await t.make.org();
    await t.make.membership({ org: other, user: m.user, role: "finance" });
    const res = await request(t.app).post("/auth/session").send({ email: m.user.email, password: m.user.password }).expect(200);
    expect(res.body.org_required).toBe(true);
    expect(res.headers["set-cookie"]).toBeUndefined();
    const chosen = await request(t.app)
      .post("/auth/session")
      .send({ email: m.user.email, password: m.user.password, org_id: other.orgId })
      .expect(200);
    expect(chosen.body).toMatchObject({ role: "finance", org: { org_id: other.orgId } });

    // Switching back: a new cookie for the first org, and the old sign-in ends.
    const old = cookieOf(chosen);
    const switched = await request(t.app)
      .post("/auth/session/switch-org")
      .set({ authorization: `Bearer ${chosen.body.access_token}` })
      .set("Cookie", old.pair)
      .send({ org_id: m.org.orgId })
      .expect(200);
    expect(switched.body).toMatchObject({ role: "owner", org: { org_id: m.org.orgId } });
    expect(cookieOf(switched).value).not.toBe(old.value);
    expect((await tokenRow(old.value))?.revoked_at).not.toBeNull();
  });

  it("a wrong password is 401 invalid_credentials with no cookie", async () => {
    const m = await t.make.member("owner");
    const res = await request(t.app).post("/auth/session").send({ email: m.user.email, password: "not-the-password-at-all" });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("invalid_credentials");
    expect(res.headers["set-cookie"]).toBeUndefined();
  });
});

describe("GET /me/capabilities", () => {
  it("lists exactly the matrix's capabilities of the caller's live role", async () => {
    for (const role of ["owner", "dispatcher", "finance"] as const) {
      const who = await signedIn(t, role);
      const res = await request(t.app).get("/me/capabilities").set(who.headers).expect(200);
      expect(res.body).toEqual({ role, capabilities: capabilitiesOf(role) });
    }
  });
});

describe("/org/settings", () => {
  it("reads and changes name and payment terms (audited); another org is untouched", async () => {
    const owner = await signedIn(t, "owner");
    const other = await signedIn(t, "owner");
    const before = await snapshotOrg(t, other.org.orgId);
    const read = await request(t.app).get("/org/settings").set(owner.headers).expect(200);
    expect(read.body).toMatchObject({ org_id: owner.org.orgId, payment_terms_days: 14 });
    const res = await request(t.app)
      .patch("/org/settings")
      .set(owner.headers)
      .send({ name: "Shiny Homes", payment_terms_days: 30 })
      .expect(200);
    expect(res.body).toMatchObject({ name: "Shiny Homes", payment_terms_days: 30 });
    const rows = await auditRows(t, owner.org.orgId);
    expect(rows.at(-1)).toMatchObject({
      action: "org.settings_updated",
      changes: { before: { payment_terms_days: 14 }, after: { payment_terms_days: 30, name: "Shiny Homes" } },
    });
    expect(await snapshotOrg(t, other.org.orgId)).toEqual(before);
  });

  it("refuses out-of-range terms and an empty change with 400 validation_failed; a dispatcher gets 403", async () => {
    const owner = await signedIn(t, "owner");
    const bad = await request(t.app).patch("/org/settings").set(owner.headers).send({ payment_terms_days: 400 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("validation_failed");
    expect((await request(t.app).patch("/org/settings").set(owner.headers).send({})).status).toBe(400);
    const d = await signedIn(t, "dispatcher", owner.org);
    expect((await request(t.app).patch("/org/settings").set(d.headers).send({ payment_terms_days: 3 })).status).toBe(403);
  });
});
