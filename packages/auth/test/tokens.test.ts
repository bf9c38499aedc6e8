import { createHmac, createSign, generateKeyPairSync, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  AuthConfigError,
  TOKEN_ERROR_CODES,
  TokenError,
  signAccessToken,
  verifyAccessToken,
  verifyAccessTokenOrThrow,
  type AccessTokenAudience,
  type AccessTokenSubject,
  type KeyRing,
  type TokenErrorCode,
  type VerifyAccessTokenOptions,
} from "../src/index.ts";

const K1 = { kid: "k1", secret: "k1-secret-0123456789abcdefghijklmnopqrstuv" };
const K2 = { kid: "k2", secret: "k2-secret-0123456789abcdefghijklmnopqrstuv" };
const RING: KeyRing = { current: K1 };

const USER_ID = "0b7c6f4e-9a61-4c1e-8d52-3f1e2a4b5c6d";
const WORKER_ID = "5d2e8a10-3b4c-4f5e-9a6b-7c8d9e0f1a2b";
const ORG_ID = "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a";

// All clocks are injected: 2026-03-02T10:00:00Z, whole seconds.
const NOW = new Date("2026-03-02T10:00:00Z");
const NOW_S = NOW.getTime() / 1000;
const at = (secondsFromNow: number): Date => new Date(NOW.getTime() + secondsFromNow * 1000);

const STAFF: AccessTokenSubject = { audience: "admin-api", sub: USER_ID, orgId: ORG_ID, role: "dispatcher" };
const WORKER: AccessTokenSubject = { audience: "worker-portal", sub: WORKER_ID, orgId: ORG_ID, role: "worker" };

// --- Hand-made tokens: built from node:crypto alone, so the attacks do not depend on jsonwebtoken's own sign. ---

const b64url = (value: unknown): string => Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");

const hs256 = (input: string, secret: string): string => createHmac("sha256", secret).update(input).digest("base64url");

function craft(header: unknown, payload: unknown, secret: string | null = K1.secret): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  return `${input}.${secret === null ? "" : hs256(input, secret)}`;
}

const HEADER = { alg: "HS256", typ: "JWT", kid: "k1" };

function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sub: USER_ID,
    org_id: ORG_ID,
    role: "dispatcher",
    jti: randomUUID(),
    iat: NOW_S,
    nbf: NOW_S,
    exp: NOW_S + 900,
    aud: "admin-api",
    iss: "cleanops",
    ...overrides,
  };
}

function without(key: string): Record<string, unknown> {
  const c = claims();
  delete c[key];
  return c;
}

function decodePart(token: string, index: 0 | 1): Record<string, unknown> {
  const part = token.split(".")[index];
  if (part === undefined) throw new Error("not a JWT");
  return JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>;
}

function verify(token: string | null | undefined, options: Partial<VerifyAccessTokenOptions> = {}) {
  return verifyAccessToken(token, { keyRing: RING, audience: "admin-api", now: NOW, ...options });
}

function expectRefused(token: string | null | undefined, code: TokenErrorCode, options: Partial<VerifyAccessTokenOptions> = {}): void {
  const result = verify(token, options);
  expect(result.ok ? "accepted" : result.error.code).toBe(code);
  if (!result.ok) expect(result.error).toBeInstanceOf(TokenError);
}

describe("access tokens: the good path", () => {
  it("signs an admin-api token that verifies for admin-api, with every claim", () => {
    const signed = signAccessToken(STAFF, { keyRing: RING, now: NOW });
    expect(decodePart(signed.token, 0)).toEqual({ alg: "HS256", typ: "JWT", kid: "k1" });
    expect(decodePart(signed.token, 1)).toEqual({
      sub: USER_ID,
      org_id: ORG_ID,
      role: "dispatcher",
      jti: signed.jti,
      iat: NOW_S,
      nbf: NOW_S,
      exp: NOW_S + 900,
      aud: "admin-api",
      iss: "cleanops",
    });
    expect(signed.expiresAt).toEqual(at(900));

    const result = verify(signed.token);
    expect(result).toEqual({
      ok: true,
      claims: {
        audience: "admin-api",
        sub: USER_ID,
        orgId: ORG_ID,
        role: "dispatcher",
        jti: signed.jti,
        keyId: "k1",
        issuedAt: NOW,
        notBefore: NOW,
        expiresAt: at(900),
      },
    });
  });

  it("signs a worker-portal token with the role worker that verifies for worker-portal", () => {
    const signed = signAccessToken(WORKER, { keyRing: RING, now: NOW });
    const result = verify(signed.token, { audience: "worker-portal" });
    expect(result.ok && result.claims).toMatchObject({ audience: "worker-portal", sub: WORKER_ID, role: "worker" });
  });

  it("accepts every staff role on admin-api", () => {
    for (const role of ["owner", "admin", "dispatcher", "finance"] as const) {
      const { token } = signAccessToken({ ...STAFF, role }, { keyRing: RING, now: NOW });
      expect(verify(token).ok).toBe(true);
    }
  });

  it("gives every token its own random jti", () => {
    const a = signAccessToken(STAFF, { keyRing: RING, now: NOW });
    const b = signAccessToken(STAFF, { keyRing: RING, now: NOW });
    expect(a.jti).not.toBe(b.jti);
    expect(a.jti).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("lets the lifetime be configured, within the one-hour cap", () => {
    const signed = signAccessToken(STAFF, { keyRing: RING, now: NOW, ttlSeconds: 300 });
    expect(decodePart(signed.token, 1).exp).toBe(NOW_S + 300);
    expect(() => signAccessToken(STAFF, { keyRing: RING, ttlSeconds: 3601 })).toThrow(RangeError);
    expect(() => signAccessToken(STAFF, { keyRing: RING, ttlSeconds: 0 })).toThrow(RangeError);
    expect(() => signAccessToken(STAFF, { keyRing: RING, ttlSeconds: 1.5 })).toThrow(RangeError);
  });

  it("stores ids lower-case so one id has one spelling", () => {
    const { token } = signAccessToken({ ...STAFF, orgId: ORG_ID.toUpperCase() }, { keyRing: RING, now: NOW });
    expect(decodePart(token, 1).org_id).toBe(ORG_ID);
  });

  it("refuses to sign a token whose role does not fit its audience, or whose ids are not uuids", () => {
    const bad = (s: unknown) => () => signAccessToken(s as AccessTokenSubject, { keyRing: RING, now: NOW });
    expect(bad({ ...STAFF, role: "worker" })).toThrow(/Role "worker" cannot hold a admin-api token/);
    expect(bad({ ...WORKER, role: "owner" })).toThrow(/cannot hold a worker-portal token/);
    expect(bad({ ...STAFF, audience: "public-invoices" })).toThrow(/Unknown audience/);
    expect(bad({ ...STAFF, sub: "42" })).toThrow(/sub must be a uuid/);
    expect(bad({ ...STAFF, orgId: "" })).toThrow(/orgId must be a uuid/);
  });

  it("a token built by hand with the right key verifies, so the attack tokens below differ only in their flaw", () => {
    const jti = randomUUID();
    const result = verify(craft(HEADER, claims({ jti })));
    expect(result.ok && result.claims.jti).toBe(jti);
  });

  it("verifyAccessTokenOrThrow returns the claims, or throws the TokenError with its code", () => {
    const { token } = signAccessToken(STAFF, { keyRing: RING, now: NOW });
    expect(verifyAccessTokenOrThrow(token, { keyRing: RING, audience: "admin-api", now: NOW }).sub).toBe(USER_ID);
    let thrown: unknown;
    try {
      verifyAccessTokenOrThrow(token, { keyRing: RING, audience: "worker-portal", now: NOW });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(TokenError);
    expect((thrown as TokenError).code).toBe("token_wrong_audience");
  });
});

describe("access tokens: refusals, each with its code", () => {
  it("token_missing for no token at all", () => {
    expectRefused(undefined, "token_missing");
    expectRefused(null, "token_missing");
    expectRefused("", "token_missing");
  });

  it("token_malformed for anything that is not a three-part JWT with a JSON header", () => {
    expectRefused("not-a-jwt", "token_malformed");
    expectRefused("a.b", "token_malformed");
    expectRefused("a.b.c.d", "token_malformed");
    expectRefused(`${b64url("not json")}.${b64url(claims())}.sig`, "token_malformed");
    expectRefused(`${b64url([HEADER])}.${b64url(claims())}.sig`, "token_malformed");
    expectRefused(`${b64url(HEADER)}.${b64url(claims())}.sig+/=`, "token_malformed");
    expectRefused(`${b64url(HEADER)}..sig`, "token_malformed");
    expectRefused(`${b64url(HEADER)}.${"A".repeat(5000)}.sig`, "token_malformed");
  });

  it("token_malformed for a correctly signed payload that is not a JSON object", () => {
    expectRefused(craft(HEADER, "just a string"), "token_malformed");
    expectRefused(craft(HEADER, [1, 2, 3]), "token_malformed");
  });

  it("token_algorithm_refused for alg none, with or without a signature, in any spelling", () => {
    for (const alg of ["none", "None", "NONE", "nOnE"]) {
      expectRefused(craft({ alg, typ: "JWT", kid: "k1" }, claims(), null), "token_algorithm_refused");
      expectRefused(craft({ alg, typ: "JWT", kid: "k1" }, claims()), "token_algorithm_refused");
    }
    expectRefused(craft({ typ: "JWT", kid: "k1" }, claims()), "token_algorithm_refused");
  });

  it("token_algorithm_refused for other HMAC sizes: the list is pinned to HS256", () => {
    for (const alg of ["HS384", "HS512"]) {
      const input = `${b64url({ alg, typ: "JWT", kid: "k1" })}.${b64url(claims())}`;
      const digest = alg === "HS384" ? "sha384" : "sha512";
      const token = `${input}.${createHmac(digest, K1.secret).update(input).digest("base64url")}`;
      expectRefused(token, "token_algorithm_refused");
    }
  });

  describe("RS256/HS256 confusion", () => {
    const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const publicPem = publicKey.export({ type: "spki", format: "pem" }).toString();

    it("refuses a genuinely RS256-signed token (header says RS256)", () => {
      const input = `${b64url({ alg: "RS256", typ: "JWT", kid: "k1" })}.${b64url(claims())}`;
      const signature = createSign("RSA-SHA256").update(input).sign(privateKey).toString("base64url");
      expectRefused(`${input}.${signature}`, "token_algorithm_refused");
    });

    it("refuses an HS256 token keyed with a public-key PEM when the ring holds a different secret", () => {
      expectRefused(craft(HEADER, claims(), publicPem), "token_bad_signature");
      expectRefused(craft({ ...HEADER, alg: "RS256" }, claims(), publicPem), "token_algorithm_refused");
    });
  });

  it("token_bad_signature for a token signed with another secret under our kid", () => {
    expectRefused(craft(HEADER, claims(), "attacker-secret-0123456789abcdefghijklmnop"), "token_bad_signature");
  });

  it("token_bad_signature for a payload tampered with after signing (role raised, org swapped)", () => {
    const { token } = signAccessToken({ ...STAFF, role: "finance" }, { keyRing: RING, now: NOW });
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const original = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    for (const change of [{ role: "owner" }, { org_id: "00000000-0000-4000-8000-000000000000" }]) {
      expectRefused(`${header}.${b64url({ ...original, ...change })}.${signature}`, "token_bad_signature");
    }
    // The untouched token still verifies, so the refusal above is the tampering, not the test.
    expect(verify(token).ok).toBe(true);
  });

  it("token_bad_signature for a stripped signature", () => {
    const { token } = signAccessToken(STAFF, { keyRing: RING, now: NOW });
    expectRefused(token.slice(0, token.lastIndexOf(".") + 1), "token_bad_signature");
  });

  it("token_expired once exp plus the 5 s tolerance has passed", () => {
    const { token } = signAccessToken(STAFF, { keyRing: RING, now: NOW });
    expect(verify(token, { now: at(900 + 4) }).ok).toBe(true);
    expectRefused(token, "token_expired", { now: at(900 + 5) });
    expectRefused(token, "token_expired", { now: at(86_400) });
    expectRefused(token, "token_expired", { now: at(900), clockToleranceSeconds: 0 });
  });

  it("token_not_yet_valid before nbf minus the tolerance", () => {
    const early = signAccessToken(STAFF, { keyRing: RING, now: at(5) }).token;
    expect(verify(early).ok).toBe(true);
    const tooEarly = signAccessToken(STAFF, { keyRing: RING, now: at(6) }).token;
    expectRefused(tooEarly, "token_not_yet_valid");
    expectRefused(early, "token_not_yet_valid", { clockToleranceSeconds: 0 });
  });

  it("refuses a tolerance that would stop being small", () => {
    const { token } = signAccessToken(STAFF, { keyRing: RING, now: NOW });
    expect(() => verify(token, { clockToleranceSeconds: 61 })).toThrow(RangeError);
    expect(() => verify(token, { now: new Date(Number.NaN) })).toThrow(TypeError);
  });

  it("token_wrong_audience for a worker-portal token given to admin-api, and the reverse", () => {
    const worker = signAccessToken(WORKER, { keyRing: RING, now: NOW }).token;
    expectRefused(worker, "token_wrong_audience", { audience: "admin-api" });
    const staff = signAccessToken(STAFF, { keyRing: RING, now: NOW }).token;
    expectRefused(staff, "token_wrong_audience", { audience: "worker-portal" });
  });

  it("token_wrong_audience for a missing, foreign or multi-app aud", () => {
    expectRefused(craft(HEADER, without("aud")), "token_wrong_audience");
    expectRefused(craft(HEADER, claims({ aud: "public-invoices" })), "token_wrong_audience");
    expectRefused(craft(HEADER, claims({ aud: ["admin-api", "worker-portal"] })), "token_wrong_audience");
  });

  it("token_wrong_issuer for a foreign or missing iss", () => {
    expectRefused(craft(HEADER, claims({ iss: "someone-else" })), "token_wrong_issuer");
    expectRefused(craft(HEADER, without("iss")), "token_wrong_issuer");
  });

  it("token_missing_org for a structurally valid legacy token without org_id", () => {
    expectRefused(craft(HEADER, without("org_id")), "token_missing_org");
    expectRefused(craft(HEADER, claims({ org_id: null })), "token_missing_org");
    expectRefused(craft(HEADER, claims({ org_id: "" })), "token_missing_org");
    expectRefused(craft(HEADER, { ...without("org_id"), role: "worker", aud: "worker-portal" }), "token_missing_org", {
      audience: "worker-portal",
    });
  });

  it("token_invalid_claims for bad ids, a role that does not fit, or missing sub, role, jti or times", () => {
    const cases: Array<[Record<string, unknown>, AccessTokenAudience?]> = [
      [claims({ org_id: "not-a-uuid" })],
      [claims({ org_id: 42 })],
      [claims({ org_id: ORG_ID.toUpperCase() })],
      [without("sub")],
      [claims({ sub: "42" })],
      [without("role")],
      [claims({ role: "superuser" })],
      [claims({ role: "worker" })],
      [claims({ role: "owner", aud: "worker-portal" }), "worker-portal"],
      [without("jti")],
      [claims({ jti: "1" })],
      [without("exp")],
      [without("nbf")],
      [without("iat")],
      [claims({ exp: "never" })],
      [claims({ nbf: "now" })],
      [claims({ exp: NOW_S + 3601 })],
    ];
    for (const [payload, audience] of cases) {
      expectRefused(craft(HEADER, payload), "token_invalid_claims", audience ? { audience } : {});
    }
  });

  it("token_unknown_key for a kid we do not hold, or none", () => {
    expectRefused(craft({ ...HEADER, kid: "k9" }, claims()), "token_unknown_key");
    expectRefused(craft({ alg: "HS256", typ: "JWT" }, claims()), "token_unknown_key");
    expectRefused(craft({ ...HEADER, kid: 1 }, claims()), "token_unknown_key");
    expectRefused(craft({ ...HEADER, kid: "__proto__" }, claims()), "token_unknown_key");
  });

  it("uses one error class whose codes are the documented list", () => {
    expect(TOKEN_ERROR_CODES).toEqual([
      "token_missing",
      "token_malformed",
      "token_expired",
      "token_not_yet_valid",
      "token_bad_signature",
      "token_wrong_audience",
      "token_wrong_issuer",
      "token_unknown_key",
      "token_algorithm_refused",
      "token_missing_org",
      "token_invalid_claims",
    ]);
    const result = verify("a.b");
    expect(!result.ok && result.error).toMatchObject({ name: "TokenError", code: "token_malformed" });
  });
});

describe("access tokens: key rotation by kid", () => {
  it("keeps verifying a rotated-out key's tokens, signs new ones with the new key", () => {
    const before = signAccessToken(STAFF, { keyRing: { current: K1 }, now: NOW }).token;
    const rotated: KeyRing = { current: K2, previous: [K1] };

    const old = verify(before, { keyRing: rotated });
    expect(old.ok && old.claims.keyId).toBe("k1");

    const after = signAccessToken(STAFF, { keyRing: rotated, now: NOW }).token;
    expect(decodePart(after, 0).kid).toBe("k2");
    const fresh = verify(after, { keyRing: rotated });
    expect(fresh.ok && fresh.claims.keyId).toBe("k2");
  });

  it("refuses a new key's tokens on a server that has not got it yet", () => {
    const after = signAccessToken(STAFF, { keyRing: { current: K2, previous: [K1] }, now: NOW }).token;
    expectRefused(after, "token_unknown_key", { keyRing: { current: K1 } });
  });

  it("refuses the old key's tokens once it is removed from the ring", () => {
    const before = signAccessToken(STAFF, { keyRing: { current: K1 }, now: NOW }).token;
    expectRefused(before, "token_unknown_key", { keyRing: { current: K2 } });
  });

  it("checks a token against the key its kid names, not any key in the ring", () => {
    // Signed with k2's secret but claiming k1: both keys are in the ring, still refused.
    const token = craft(HEADER, claims(), K2.secret);
    expectRefused(token, "token_bad_signature", { keyRing: { current: K2, previous: [K1] } });
  });

  it("refuses to sign or verify with a hand-built ring whose key is weak or whose kids collide", () => {
    const weak: KeyRing = { current: { kid: "k1", secret: "short" } };
    expect(() => signAccessToken(STAFF, { keyRing: weak, now: NOW })).toThrow(AuthConfigError);
    expect(() => verify("a.b.c", { keyRing: weak })).toThrow(/key "k1" must be at least 32 bytes \(it has 5\)/);
    const clash: KeyRing = { current: K1, previous: [{ kid: "k1", secret: K2.secret }] };
    expect(() => signAccessToken(STAFF, { keyRing: clash, now: NOW })).toThrow(/kid "k1" is used by two keys/);
  });
});
