import { createHmac, createSign, generateKeyPairSync, randomUUID } from "node:crypto";
import { signAccessToken } from "@cleanops/auth";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessTokenFor, bearer, type Member } from "./support/factories.ts";
import { startTestApp, type TestApp } from "./support/test-app.ts";
import { OTHER_KEY, TEST_KEY, TEST_KEY_RING } from "./support/test-keys.ts";

// Hand-made tokens, from node:crypto alone: the attacks do not depend on the signing library they attack.
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const HEADER = { alg: "HS256", typ: "JWT", kid: TEST_KEY.kid };

function craft(header: Record<string, unknown>, payload: Record<string, unknown>, sign: ((input: string) => string) | null): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  return `${input}.${sign ? sign(input) : ""}`;
}
const hmac = (secret: string | Buffer) => (input: string) => createHmac("sha256", secret).update(input).digest("base64url");

let t: TestApp;
let dispatcher: Member;

function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(t.clock.now().getTime() / 1000);
  return {
    sub: dispatcher.user.id,
    org_id: dispatcher.org.orgId,
    role: "dispatcher",
    jti: randomUUID(),
    iat: now,
    nbf: now,
    exp: now + 900,
    aud: "admin-api",
    iss: "cleanops",
    ...overrides,
  };
}

async function expectRefused(token: string | undefined, code: string): Promise<void> {
  const req = request(t.app).get("/me");
  if (token !== undefined) req.set(bearer(token));
  const res = await req.expect(401);
  expect(res.body.error.code).toBe(code);
  expect(res.headers["www-authenticate"]).toMatch(/^Bearer realm="admin-api"/);
}

beforeAll(async () => {
  t = await startTestApp();
  dispatcher = await t.make.member("dispatcher");
});
afterAll(async () => {
  await t.close();
});

describe("a forged, stale or misdirected access token is refused with 401 and a code that says why", () => {
  it("accepts the genuine token (the control case)", async () => {
    const res = await request(t.app)
      .get("/me")
      .set(bearer(craft(HEADER, claims(), hmac(TEST_KEY.secret))))
      .expect(200);
    expect(res.body).toMatchObject({ org_id: dispatcher.org.orgId, role: "dispatcher" });
  });

  it("no token, a token of another scheme, garbage", async () => {
    await expectRefused(undefined, "token_missing");
    const basic = await request(t.app).get("/me").set("authorization", "Basic dXNlcjpwYXNz").expect(401);
    expect(basic.body.error.code).toBe("token_missing");
    await expectRefused("not.a.jwt", "token_malformed");
  });

  it("alg: none", async () => {
    await expectRefused(craft({ alg: "none", typ: "JWT", kid: TEST_KEY.kid }, claims(), null), "token_algorithm_refused");
    await expectRefused(craft({ alg: "none", typ: "JWT" }, claims(), null), "token_algorithm_refused");
  });

  it("a token signed with another secret (same kid), or with a kid the server does not hold", async () => {
    await expectRefused(craft(HEADER, claims(), hmac(OTHER_KEY.secret)), "token_bad_signature");
    await expectRefused(craft({ ...HEADER, kid: "k-unknown" }, claims(), hmac(TEST_KEY.secret)), "token_unknown_key");
  });

  it("RS256/HS256 confusion: an RS256 token, and an HS256 token keyed with a public key", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const rs256 = craft({ alg: "RS256", typ: "JWT", kid: TEST_KEY.kid }, claims(), (input) =>
      createSign("RSA-SHA256").update(input).sign(privateKey).toString("base64url"),
    );
    await expectRefused(rs256, "token_algorithm_refused");
    // The classic confusion: HMAC keyed with the (public) PEM, hoping the server verifies HS256 with its public key.
    const pem = publicKey.export({ type: "spki", format: "pem" });
    await expectRefused(craft(HEADER, claims(), hmac(pem)), "token_bad_signature");
  });

  it("expired, and not yet valid", async () => {
    const now = Math.floor(t.clock.now().getTime() / 1000);
    await expectRefused(
      craft(HEADER, claims({ iat: now - 1000, nbf: now - 1000, exp: now - 100 }), hmac(TEST_KEY.secret)),
      "token_expired",
    );
    await expectRefused(
      craft(HEADER, claims({ iat: now + 600, nbf: now + 600, exp: now + 1200 }), hmac(TEST_KEY.secret)),
      "token_not_yet_valid",
    );
    // The app's own tokens expire on the app's clock.
    const real = accessTokenFor({ userId: dispatcher.user.id, orgId: dispatcher.org.orgId, role: "dispatcher" }, { now: t.clock.now() });
    t.clock.advance(901 + 5);
    await expectRefused(real, "token_expired");
  });

  it("wrong audience (a worker-portal token on admin-api) and wrong issuer", async () => {
    const worker = signAccessToken(
      { audience: "worker-portal", sub: dispatcher.user.id, orgId: dispatcher.org.orgId, role: "worker" },
      { keyRing: TEST_KEY_RING, now: t.clock.now() },
    ).token;
    await expectRefused(worker, "token_wrong_audience");
    await expectRefused(craft(HEADER, claims({ aud: "worker-portal", role: "worker" }), hmac(TEST_KEY.secret)), "token_wrong_audience");
    await expectRefused(craft(HEADER, claims({ iss: "evil-corp" }), hmac(TEST_KEY.secret)), "token_wrong_issuer");
  });

  it("a legacy token without org_id", async () => {
    const legacy = claims();
    delete legacy.org_id;
    await expectRefused(craft(HEADER, legacy, hmac(TEST_KEY.secret)), "token_missing_org");
    await expectRefused(craft(HEADER, claims({ org_id: "" }), hmac(TEST_KEY.secret)), "token_missing_org");
  });

  it("a validly signed token for an org the user has no membership in", async () => {
    const elsewhere = await t.make.member("owner");
    await expectRefused(craft(HEADER, claims({ org_id: elsewhere.org.orgId, role: "owner" }), hmac(TEST_KEY.secret)), "membership_revoked");
    await expectRefused(craft(HEADER, claims({ org_id: randomUUID() }), hmac(TEST_KEY.secret)), "membership_revoked");
  });

  it("a tampered role claim: the signature breaks; and a validly signed 'owner' claim still gets the database's role", async () => {
    const genuine = craft(HEADER, claims(), hmac(TEST_KEY.secret));
    const [h, , s] = genuine.split(".");
    await expectRefused(`${h}.${b64url(claims({ role: "owner" }))}.${s}`, "token_bad_signature");

    // Even a token signed with the real key that claims "owner" is only as strong as the membership behind it.
    const claimsOwner = craft(HEADER, claims({ role: "owner" }), hmac(TEST_KEY.secret));
    const me = await request(t.app).get("/me").set(bearer(claimsOwner)).expect(200);
    expect(me.body.role).toBe("dispatcher");
    const res = await request(t.app).patch("/org").set(bearer(claimsOwner)).send({ name: "Taken over" }).expect(403);
    expect(res.body.error.code).toBe("forbidden");
    await request(t.app).get("/org/billing").set(bearer(claimsOwner)).expect(403);
  });
});

describe("the membership is re-checked on every request", () => {
  it("a revoked member is locked out at once, whatever their access token says", async () => {
    const owner = await t.make.member("owner");
    const admin = await t.make.member("admin", { org: owner.org });
    const adminToken = accessTokenFor({ userId: admin.user.id, orgId: owner.org.orgId, role: "admin" }, { now: t.clock.now() });
    const ownerToken = accessTokenFor({ userId: owner.user.id, orgId: owner.org.orgId, role: "owner" }, { now: t.clock.now() });
    await request(t.app).get("/memberships").set(bearer(adminToken)).expect(200);

    await request(t.app).delete(`/memberships/${admin.membership.id}`).set(bearer(ownerToken)).expect(204);
    const res = await request(t.app).get("/memberships").set(bearer(adminToken)).expect(401);
    expect(res.body.error.code).toBe("membership_revoked");
  });

  it("a demoted member loses the rights at once", async () => {
    const owner = await t.make.member("owner");
    const admin = await t.make.member("admin", { org: owner.org });
    const adminToken = accessTokenFor({ userId: admin.user.id, orgId: owner.org.orgId, role: "admin" }, { now: t.clock.now() });
    const ownerToken = accessTokenFor({ userId: owner.user.id, orgId: owner.org.orgId, role: "owner" }, { now: t.clock.now() });
    await request(t.app).patch("/org").set(bearer(adminToken)).send({ name: "Renamed by admin" }).expect(200);

    await request(t.app).patch(`/memberships/${admin.membership.id}`).set(bearer(ownerToken)).send({ role: "finance" }).expect(200);
    await request(t.app).patch("/org").set(bearer(adminToken)).send({ name: "Renamed again" }).expect(403);
    expect((await request(t.app).get("/me").set(bearer(adminToken)).expect(200)).body.role).toBe("finance");
  });

  it("a disabled account is locked out at once", async () => {
    const m = await t.make.member("admin");
    const token = accessTokenFor({ userId: m.user.id, orgId: m.org.orgId, role: "admin" }, { now: t.clock.now() });
    await request(t.app).get("/org").set(bearer(token)).expect(200);
    await t.owner.query(`UPDATE users SET disabled_at = now() WHERE id = $1`, [m.user.id]);
    await expectRefused(token, "membership_revoked");
  });

  it("a suspended organization locks its members out at once, and they cannot sign in to it", async () => {
    const m = await t.make.member("owner");
    const token = accessTokenFor({ userId: m.user.id, orgId: m.org.orgId, role: "owner" }, { now: t.clock.now() });
    await request(t.app).get("/org").set(bearer(token)).expect(200);
    await t.owner.query(`UPDATE organizations SET status = 'suspended' WHERE org_id = $1`, [m.org.orgId]);
    await expectRefused(token, "membership_revoked");
    const login = await request(t.app)
      .post("/auth/login")
      .send({ email: m.user.email, password: m.user.password, org_id: m.org.orgId })
      .expect(401);
    expect(login.body.error.code).toBe("membership_revoked");
  });
});
