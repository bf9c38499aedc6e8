import { describe, expect, it } from "vitest";
import { AuthConfigError, parseAccessTokenTtl, parseKeyRing, signAccessToken, verifyAccessToken } from "../src/index.ts";

const SECRET = "current-secret-0123456789abcdefghijklmn"; // 39 bytes
const OLD = "previous-secret-0123456789abcdefghijklm"; // 39 bytes

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    if (err instanceof Error) return err;
    throw new Error("threw a non-Error");
  }
  throw new Error("did not throw");
}

describe("parseKeyRing in production", () => {
  it("stops on a missing JWT_SECRET with one line naming it", () => {
    const err = thrown(() => parseKeyRing({}, { production: true }));
    expect(err).toBeInstanceOf(AuthConfigError);
    expect(err.message).toBe("Invalid configuration: JWT_SECRET is required in production (at least 32 random bytes)");
    expect(err.message).not.toContain("\n");
  });

  it("treats an empty JWT_SECRET as missing", () => {
    expect(() => parseKeyRing({ JWT_SECRET: "" }, { production: true })).toThrow(/JWT_SECRET is required/);
  });

  it("stops on a weak JWT_SECRET without echoing it", () => {
    const err = thrown(() => parseKeyRing({ JWT_SECRET: "hunter2-hunter2" }, { production: true }));
    expect(err.message).toBe("Invalid configuration: JWT_SECRET must be at least 32 bytes (it has 15)");
    expect(err.message).not.toContain("hunter2");
  });

  it("draws the line at 32 bytes, counted as UTF-8 bytes", () => {
    expect(() => parseKeyRing({ JWT_SECRET: "x".repeat(31) }, { production: true })).toThrow(/it has 31/);
    expect(parseKeyRing({ JWT_SECRET: "x".repeat(32) }, { production: true }).keyRing.current.secret).toHaveLength(32);
    // 16 two-byte characters are 32 bytes.
    expect(() => parseKeyRing({ JWT_SECRET: "é".repeat(16) }, { production: true })).not.toThrow();
  });

  it("refuses a PEM key wired in as the HMAC secret", () => {
    const pem = `-----BEGIN PUBLIC KEY-----\n${"A".repeat(64)}\n-----END PUBLIC KEY-----`;
    expect(() => parseKeyRing({ JWT_SECRET: pem }, { production: true })).toThrow(
      "Invalid configuration: JWT_SECRET looks like a PEM key; it must be a random HMAC secret",
    );
  });

  it("builds the ring with kid k1 by default, JWT_KID when set, and no warnings", () => {
    expect(parseKeyRing({ JWT_SECRET: SECRET }, { production: true })).toEqual({
      keyRing: { current: { kid: "k1", secret: SECRET } },
      warnings: [],
    });
    expect(parseKeyRing({ JWT_SECRET: SECRET, JWT_KID: "2026-03" }, { production: true }).keyRing.current.kid).toBe("2026-03");
    expect(() => parseKeyRing({ JWT_SECRET: SECRET, JWT_KID: "a b" }, { production: true })).toThrow(
      /^Invalid configuration: JWT_KID must be 1-64 characters/,
    );
  });
});

describe("parseKeyRing outside production", () => {
  it("falls back to a random per-process secret, and says so", () => {
    const a = parseKeyRing({}, { production: false });
    const b = parseKeyRing({}, { production: false });
    expect(a.warnings).toEqual([
      "JWT_SECRET is not set: signing with a random secret generated for this process; tokens will not survive a restart",
    ]);
    expect(Buffer.byteLength(a.keyRing.current.secret)).toBeGreaterThanOrEqual(32);
    expect(a.keyRing.current.secret).not.toBe(b.keyRing.current.secret);
    expect(a.keyRing.current.kid).toMatch(/^ephemeral-[0-9a-f]{8}$/);
  });

  it("still refuses a weak secret that was set by hand", () => {
    expect(() => parseKeyRing({ JWT_SECRET: "dev" }, { production: false })).toThrow(/JWT_SECRET must be at least 32/);
  });
});

describe("JWT_PREVIOUS_SECRETS", () => {
  it("parses kid:secret pairs, splitting on the first colon only and ignoring a trailing comma", () => {
    const withColons = `${OLD}:with:colons`;
    const { keyRing } = parseKeyRing(
      { JWT_SECRET: SECRET, JWT_KID: "k3", JWT_PREVIOUS_SECRETS: `k2:${OLD}, k1:${withColons},` },
      { production: true },
    );
    expect(keyRing).toEqual({
      current: { kid: "k3", secret: SECRET },
      previous: [
        { kid: "k2", secret: OLD },
        { kid: "k1", secret: withColons },
      ],
    });
  });

  it("refuses a malformed entry or a weak previous secret, naming the variable and the entry, not the secret", () => {
    const env = (previous: string) => ({ JWT_SECRET: SECRET, JWT_KID: "k2", JWT_PREVIOUS_SECRETS: previous });
    expect(thrown(() => parseKeyRing(env(`k1:${OLD},${OLD}`), { production: true })).message).toBe(
      "Invalid configuration: JWT_PREVIOUS_SECRETS entry 2 must be kid:secret",
    );
    const weak = thrown(() => parseKeyRing(env("k1:tooshort"), { production: false }));
    expect(weak.message).toBe(
      'Invalid configuration: JWT_PREVIOUS_SECRETS entry 1 (kid "k1"): secret must be at least 32 bytes (it has 8)',
    );
    expect(weak.message).not.toContain("tooshort");
    expect(() => parseKeyRing(env(`:${OLD}`), { production: true })).toThrow(/entry 1: kid must be 1-64/);
  });

  it("refuses a kid used twice, the usual slip being a rotation that forgot JWT_KID", () => {
    expect(() => parseKeyRing({ JWT_SECRET: SECRET, JWT_PREVIOUS_SECRETS: `k1:${OLD}` }, { production: true })).toThrow(
      'Invalid configuration: JWT_PREVIOUS_SECRETS reuses kid "k1"; every key needs its own kid (set JWT_KID when rotating)',
    );
  });

  it("rotates end to end: tokens signed before the rotation verify after it", () => {
    const before = parseKeyRing({ JWT_SECRET: OLD }, { production: true }).keyRing;
    const after = parseKeyRing({ JWT_SECRET: SECRET, JWT_KID: "k2", JWT_PREVIOUS_SECRETS: `k1:${OLD}` }, { production: true }).keyRing;
    const now = new Date("2026-03-02T10:00:00Z");
    const { token } = signAccessToken(
      {
        audience: "worker-portal",
        sub: "5d2e8a10-3b4c-4f5e-9a6b-7c8d9e0f1a2b",
        orgId: "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a",
        role: "worker",
      },
      { keyRing: before, now },
    );
    const result = verifyAccessToken(token, { keyRing: after, audience: "worker-portal", now });
    expect(result.ok && result.claims.keyId).toBe("k1");
  });
});

describe("parseAccessTokenTtl", () => {
  it("defaults to 15 minutes and accepts whole seconds up to an hour", () => {
    expect(parseAccessTokenTtl({})).toBe(900);
    expect(parseAccessTokenTtl({ JWT_ACCESS_TTL_SECONDS: "" })).toBe(900);
    expect(parseAccessTokenTtl({ JWT_ACCESS_TTL_SECONDS: "300" })).toBe(300);
    expect(parseAccessTokenTtl({ JWT_ACCESS_TTL_SECONDS: "3600" })).toBe(3600);
  });

  it("refuses anything else with one line naming the variable", () => {
    for (const raw of ["0", "3601", "15m", "-1", "1.5", " 60"]) {
      expect(() => parseAccessTokenTtl({ JWT_ACCESS_TTL_SECONDS: raw })).toThrow(
        "Invalid configuration: JWT_ACCESS_TTL_SECONDS must be a whole number of seconds between 1 and 3600",
      );
    }
  });
});
