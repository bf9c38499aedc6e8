import { randomBytes } from "node:crypto";

/** One HMAC key. The `kid` goes into every token header so the verifier can pick the key without trying them all. */
export type SigningKey = { kid: string; secret: string };

/**
 * Tokens are signed with `current`; `previous` keys only verify, so a rotated-out key keeps accepting the tokens it
 * signed until they expire (at most one access-token lifetime), after which it can be dropped from the ring.
 */
export type KeyRing = { current: SigningKey; previous?: readonly SigningKey[] };

/** The environment variables `parseKeyRing` reads. */
export const KEY_RING_ENV = {
  secret: "JWT_SECRET",
  kid: "JWT_KID",
  previous: "JWT_PREVIOUS_SECRETS",
} as const;

export const MIN_SECRET_BYTES = 32;
export const DEFAULT_KID = "k1";

/** Thrown for unusable auth configuration; the message is one line naming the variable, and never contains a secret. */
export class AuthConfigError extends Error {
  override readonly name = "AuthConfigError";
}

// The kid travels in a header anyone can read and ends up in logs: keep it short and free of separators.
const KID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

function kidProblem(kid: string): string | undefined {
  return KID_PATTERN.test(kid) ? undefined : "must be 1-64 characters of A-Z, a-z, 0-9, '.', '_' or '-'";
}

function secretProblem(secret: string): string | undefined {
  const bytes = Buffer.byteLength(secret, "utf8");
  if (bytes < MIN_SECRET_BYTES) return `must be at least ${MIN_SECRET_BYTES} bytes (it has ${bytes})`;
  // A PEM here means someone wired a (public) RSA/EC key in as the HMAC secret: anyone holding it could mint tokens.
  if (secret.trimStart().startsWith("-----BEGIN")) return "looks like a PEM key; it must be a random HMAC secret";
  return undefined;
}

/**
 * Throws an AuthConfigError if a key is weak, a kid is malformed or two keys share a kid. Sign and verify call it too, so
 * a ring built by hand (not through `parseKeyRing`) gets the same floor.
 */
export function assertKeyRing(ring: KeyRing): void {
  const seen = new Set<string>();
  for (const key of [ring.current, ...(ring.previous ?? [])]) {
    const problem = kidProblem(key.kid) ?? secretProblem(key.secret);
    if (problem) throw new AuthConfigError(`Invalid key ring: key "${safeKid(key.kid)}" ${problem}`);
    if (seen.has(key.kid)) throw new AuthConfigError(`Invalid key ring: kid "${key.kid}" is used by two keys`);
    seen.add(key.kid);
  }
}

function safeKid(kid: string): string {
  return KID_PATTERN.test(kid) ? kid : "(malformed kid)";
}

/** The key for a token's `kid`, or undefined: a kid we do not hold is refused, never guessed. */
export function findKey(ring: KeyRing, kid: unknown): SigningKey | undefined {
  if (typeof kid !== "string") return undefined;
  if (ring.current.kid === kid) return ring.current;
  return ring.previous?.find((key) => key.kid === kid);
}

export type ParsedKeyRing = {
  keyRing: KeyRing;
  /** Non-fatal problems an operator should see in the start-up log (e.g. a generated development secret). */
  warnings: string[];
};

type Env = Readonly<Record<string, string | undefined>>;

/** `FOO=` in an env file means "not set", as in @cleanops/http's config. */
function read(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === "" ? undefined : value;
}

function configError(variable: string, problem: string): AuthConfigError {
  return new AuthConfigError(`Invalid configuration: ${variable} ${problem}`);
}

/**
 * Builds the key ring from JWT_SECRET (the signing secret, ≥ 32 bytes), JWT_KID (its key id, default "k1") and
 * JWT_PREVIOUS_SECRETS (`kid:secret,kid:secret`, verify-only keys being rotated out; secrets must not contain commas).
 *
 * In production a missing or weak secret throws an AuthConfigError whose one-line message names the variable, so the app
 * stops at start. Outside production a missing JWT_SECRET is replaced by a random secret made for this process (never
 * a constant, so nothing signed on a laptop verifies anywhere else) and a warning says so; a weak one still throws,
 * since a short secret set by hand is a mistake that would otherwise reach production.
 */
export function parseKeyRing(env: Env, options: { production: boolean }): ParsedKeyRing {
  const warnings: string[] = [];
  const kid = read(env, KEY_RING_ENV.kid);
  if (kid !== undefined) {
    const problem = kidProblem(kid);
    if (problem) throw configError(KEY_RING_ENV.kid, problem);
  }

  let current: SigningKey;
  const secret = read(env, KEY_RING_ENV.secret);
  if (secret === undefined) {
    if (options.production) {
      throw configError(KEY_RING_ENV.secret, `is required in production (at least ${MIN_SECRET_BYTES} random bytes)`);
    }
    current = {
      kid: kid ?? `ephemeral-${randomBytes(4).toString("hex")}`,
      secret: randomBytes(MIN_SECRET_BYTES).toString("base64url"),
    };
    warnings.push(
      `${KEY_RING_ENV.secret} is not set: signing with a random secret generated for this process; ` + "tokens will not survive a restart",
    );
  } else {
    const problem = secretProblem(secret);
    if (problem) throw configError(KEY_RING_ENV.secret, problem);
    current = { kid: kid ?? DEFAULT_KID, secret };
  }

  const previous = parsePrevious(read(env, KEY_RING_ENV.previous));
  const all = [current, ...previous];
  const duplicate = all.find((key, i) => all.findIndex((other) => other.kid === key.kid) !== i);
  if (duplicate) {
    throw configError(
      KEY_RING_ENV.previous,
      `reuses kid "${duplicate.kid}"; every key needs its own kid (set ${KEY_RING_ENV.kid} when rotating)`,
    );
  }

  const keyRing: KeyRing = previous.length > 0 ? { current, previous } : { current };
  return { keyRing, warnings };
}

function parsePrevious(raw: string | undefined): SigningKey[] {
  if (raw === undefined) return [];
  const keys: SigningKey[] = [];
  // Blank entries (a trailing comma) are tolerated; anything else malformed is refused rather than skipped.
  const entries = raw.split(",").filter((entry) => entry.trim() !== "");
  entries.forEach((entry, index) => {
    const where = `entry ${index + 1}`;
    const colon = entry.indexOf(":");
    if (colon === -1) throw configError(KEY_RING_ENV.previous, `${where} must be kid:secret`);
    // Split on the first colon only: the secret may contain colons, the kid may not.
    const kid = entry.slice(0, colon).trim();
    const secret = entry.slice(colon + 1);
    const problem = kidProblem(kid);
    if (problem) throw configError(KEY_RING_ENV.previous, `${where}: kid ${problem}`);
    const secretIssue = secretProblem(secret);
    if (secretIssue) throw configError(KEY_RING_ENV.previous, `${where} (kid "${kid}"): secret ${secretIssue}`);
    keys.push({ kid, secret });
  });
  return keys;
}
