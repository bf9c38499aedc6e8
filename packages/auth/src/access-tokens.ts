import { createSecretKey, randomUUID, type KeyObject } from "node:crypto";
import jwt from "jsonwebtoken";
import { tokenErrorFromJwt } from "./jwt-errors.ts";
import { assertKeyRing, findKey, AuthConfigError, type KeyRing, type SigningKey } from "./key-ring.ts";
import { TokenError } from "./token-error.ts";

export const ACCESS_TOKEN_ISSUER = "cleanops";
export const ACCESS_TOKEN_ALGORITHM = "HS256";
export const ACCESS_TOKEN_AUDIENCES = ["admin-api", "worker-portal"] as const;
export type AccessTokenAudience = (typeof ACCESS_TOKEN_AUDIENCES)[number];

/**
 * Staff roles: the one list in code. @cleanops/db re-exports it as `ROLES` (and its entities use it), since db depends
 * on auth and never the other way; only the frozen CHECK constraints of migrations 0034 and 0038 spell it again.
 */
export const STAFF_ROLES = ["owner", "admin", "dispatcher", "finance"] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
export const WORKER_ROLE = "worker";
export type AccessTokenRole = StaffRole | typeof WORKER_ROLE;

export const DEFAULT_ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
/** Access tokens cannot be revoked before they expire, so their lifetime is capped on both sign and verify. */
export const MAX_ACCESS_TOKEN_TTL_SECONDS = 60 * 60;
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 5;
export const MAX_CLOCK_TOLERANCE_SECONDS = 60;
export const ACCESS_TOKEN_TTL_ENV = "JWT_ACCESS_TTL_SECONDS";

// Far above any token we sign (~400 bytes); stops hostile megabyte headers before JSON.parse and HMAC.
const MAX_TOKEN_LENGTH = 4096;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
// Lower case only: that is what PostgreSQL prints and what we sign, so one id never has two spellings.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Who a token is for. A worker-portal token always carries the role `worker`, an admin-api token a staff role. */
export type AccessTokenSubject =
  | { audience: "admin-api"; sub: string; orgId: string; role: StaffRole }
  | { audience: "worker-portal"; sub: string; orgId: string; role: typeof WORKER_ROLE };

/** A verified token. Timestamps come from the token (whole seconds). */
export type AccessTokenClaims = AccessTokenSubject & {
  jti: string;
  keyId: string;
  issuedAt: Date;
  notBefore: Date;
  expiresAt: Date;
};

export type SignedAccessToken = { token: string; jti: string; expiresAt: Date };

export type SignAccessTokenOptions = {
  keyRing: KeyRing;
  /** Default 900 (15 min), at most 3600. */
  ttlSeconds?: number;
  /** Injected clock for tests; default the real time. */
  now?: Date;
};

export type VerifyAccessTokenOptions = {
  keyRing: KeyRing;
  /** The app doing the verifying: a token for another app is refused. */
  audience: AccessTokenAudience;
  /** Allowed clock skew between signer and verifier, default 5 s, at most 60. */
  clockToleranceSeconds?: number;
  now?: Date;
};

export type AccessTokenVerification = { ok: true; claims: AccessTokenClaims } | { ok: false; error: TokenError };

function secretKey(key: SigningKey): KeyObject {
  // Handing jsonwebtoken a secret KeyObject (not the string) means the secret is only ever HMAC key bytes: a string
  // is first tried as a PEM public key there, which is how HS/RS key confusion starts.
  return createSecretKey(Buffer.from(key.secret, "utf8"));
}

function epochSeconds(now: Date): number {
  const ms = now.getTime();
  if (!Number.isFinite(ms)) throw new TypeError("now must be a valid Date");
  return Math.floor(ms / 1000);
}

function assertIntegerIn(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer between ${min} and ${max}`);
  }
}

function assertSubject(subject: AccessTokenSubject): void {
  if (!ACCESS_TOKEN_AUDIENCES.includes(subject.audience)) {
    throw new TypeError(`Unknown audience "${String(subject.audience)}"`);
  }
  if (!roleFits(subject.audience, subject.role)) {
    throw new TypeError(`Role "${String(subject.role)}" cannot hold a ${subject.audience} token`);
  }
  if (!UUID.test(subject.sub)) throw new TypeError("sub must be a uuid");
  if (!UUID.test(subject.orgId)) throw new TypeError("orgId must be a uuid");
}

function roleFits(audience: AccessTokenAudience, role: unknown): boolean {
  if (audience === "worker-portal") return role === WORKER_ROLE;
  return STAFF_ROLES.some((r) => r === role);
}

/** Signs a short-lived HS256 access token with the ring's current key, its kid in the header. */
export function signAccessToken(subject: AccessTokenSubject, options: SignAccessTokenOptions): SignedAccessToken {
  assertKeyRing(options.keyRing);
  const normalised = { ...subject, sub: subject.sub.toLowerCase(), orgId: subject.orgId.toLowerCase() };
  assertSubject(normalised);
  const ttl = options.ttlSeconds ?? DEFAULT_ACCESS_TOKEN_TTL_SECONDS;
  assertIntegerIn("ttlSeconds", ttl, 1, MAX_ACCESS_TOKEN_TTL_SECONDS);

  const iat = epochSeconds(options.now ?? new Date());
  const jti = randomUUID();
  const key = options.keyRing.current;
  // iat/nbf/exp are written out rather than left to jsonwebtoken's expiresIn, which would read the real clock.
  const payload = {
    sub: normalised.sub,
    org_id: normalised.orgId,
    role: normalised.role,
    jti,
    iat,
    nbf: iat,
    exp: iat + ttl,
  };
  const token = jwt.sign(payload, secretKey(key), {
    algorithm: ACCESS_TOKEN_ALGORITHM,
    keyid: key.kid,
    audience: normalised.audience,
    issuer: ACCESS_TOKEN_ISSUER,
  });
  return { token, jti, expiresAt: new Date((iat + ttl) * 1000) };
}

function parseJsonObject(part: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
  } catch (err) {
    throw new TokenError("token_malformed", { cause: err });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new TokenError("token_malformed");
  return parsed as Record<string, unknown>;
}

/**
 * Checks the shape before any key is chosen: three base64url parts, header and payload JSON objects. Only the header
 * is used from here (to pick alg and kid); no claim is trusted until jsonwebtoken has checked the signature.
 */
function readHeader(token: string): Record<string, unknown> {
  if (token.length > MAX_TOKEN_LENGTH) throw new TokenError("token_malformed", { detail: "too long" });
  const parts = token.split(".");
  const [header, payload, signature] = parts;
  if (parts.length !== 3 || header === undefined || payload === undefined || signature === undefined) {
    throw new TokenError("token_malformed");
  }
  if (!BASE64URL.test(header) || !BASE64URL.test(payload)) throw new TokenError("token_malformed");
  // An empty signature is let through to jsonwebtoken, which refuses it as a missing signature.
  if (signature !== "" && !BASE64URL.test(signature)) throw new TokenError("token_malformed");
  parseJsonObject(payload);
  return parseJsonObject(header);
}

function claimsFrom(payload: Record<string, unknown>, audience: AccessTokenAudience, kid: string): AccessTokenClaims {
  const { sub, org_id: orgId, role, jti, aud, iat, nbf, exp } = payload;
  // Checked first so a legacy token (signed before tenants existed) gets its own code and the client knows to re-login.
  if (orgId === undefined || orgId === null || orgId === "") throw new TokenError("token_missing_org");
  if (typeof orgId !== "string" || !UUID.test(orgId)) throw new TokenError("token_invalid_claims", { detail: "org_id" });
  // jsonwebtoken accepts an audience array if any entry matches; we never sign one, so exactly one audience it is.
  if (aud !== audience) throw new TokenError("token_wrong_audience");
  if (typeof sub !== "string" || !UUID.test(sub)) throw new TokenError("token_invalid_claims", { detail: "sub" });
  if (typeof jti !== "string" || !UUID.test(jti)) throw new TokenError("token_invalid_claims", { detail: "jti" });
  if (!roleFits(audience, role)) throw new TokenError("token_invalid_claims", { detail: "role" });
  // jsonwebtoken only enforces exp and nbf when they are present; a token without them would never expire.
  if (typeof iat !== "number" || typeof nbf !== "number" || typeof exp !== "number") {
    throw new TokenError("token_invalid_claims", { detail: "iat, nbf and exp are required" });
  }
  if (exp - nbf > MAX_ACCESS_TOKEN_TTL_SECONDS || exp <= nbf) {
    throw new TokenError("token_invalid_claims", { detail: "lifetime" });
  }
  const subject = (
    audience === "worker-portal" ? { audience, sub, orgId, role: WORKER_ROLE } : { audience, sub, orgId, role: role as StaffRole }
  ) satisfies AccessTokenSubject;
  return {
    ...subject,
    jti,
    keyId: kid,
    issuedAt: new Date(iat * 1000),
    notBefore: new Date(nbf * 1000),
    expiresAt: new Date(exp * 1000),
  };
}

/**
 * Verifies an access token for one app. Never throws for a bad token: the refusal is `{ ok: false, error }` with a
 * stable `error.code`. Throws only for a programming or configuration error (a weak key ring, a bad option).
 */
export function verifyAccessToken(token: string | null | undefined, options: VerifyAccessTokenOptions): AccessTokenVerification {
  assertKeyRing(options.keyRing);
  const tolerance = options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS;
  assertIntegerIn("clockToleranceSeconds", tolerance, 0, MAX_CLOCK_TOLERANCE_SECONDS);
  if (!ACCESS_TOKEN_AUDIENCES.includes(options.audience)) {
    throw new TypeError(`Unknown audience "${String(options.audience)}"`);
  }
  const clockTimestamp = epochSeconds(options.now ?? new Date());

  try {
    if (typeof token !== "string" || token === "") throw new TokenError("token_missing");
    const header = readHeader(token);
    // Pinned here as well as in `algorithms` below, so `none` and RS256 are refused before any key is chosen.
    if (header.alg !== ACCESS_TOKEN_ALGORITHM) throw new TokenError("token_algorithm_refused");
    const key = findKey(options.keyRing, header.kid);
    if (!key) throw new TokenError("token_unknown_key");

    let payload: string | jwt.JwtPayload;
    try {
      payload = jwt.verify(token, secretKey(key), {
        algorithms: [ACCESS_TOKEN_ALGORITHM],
        audience: options.audience,
        issuer: ACCESS_TOKEN_ISSUER,
        clockTolerance: tolerance,
        clockTimestamp,
      });
    } catch (err) {
      throw tokenErrorFromJwt(err);
    }
    if (typeof payload !== "object" || Array.isArray(payload)) throw new TokenError("token_malformed");
    return { ok: true, claims: claimsFrom(payload, options.audience, key.kid) };
  } catch (err) {
    if (err instanceof TokenError) return { ok: false, error: err };
    throw err;
  }
}

/** As `verifyAccessToken`, but a refused token throws its TokenError (for handlers that map errors centrally). */
export function verifyAccessTokenOrThrow(token: string | null | undefined, options: VerifyAccessTokenOptions): AccessTokenClaims {
  const result = verifyAccessToken(token, options);
  if (!result.ok) throw result.error;
  return result.claims;
}

/** Reads JWT_ACCESS_TTL_SECONDS (default 900, 1-3600); throws a one-line AuthConfigError naming it when invalid. */
export function parseAccessTokenTtl(env: Readonly<Record<string, string | undefined>>): number {
  const raw = env[ACCESS_TOKEN_TTL_ENV];
  if (raw === undefined || raw === "") return DEFAULT_ACCESS_TOKEN_TTL_SECONDS;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(value) || value < 1 || value > MAX_ACCESS_TOKEN_TTL_SECONDS) {
    const range = `between 1 and ${MAX_ACCESS_TOKEN_TTL_SECONDS}`;
    throw new AuthConfigError(`Invalid configuration: ${ACCESS_TOKEN_TTL_ENV} must be a whole number of seconds ${range}`);
  }
  return value;
}
