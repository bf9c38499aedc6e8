import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decideRefresh, generateOpaqueToken, hashToken, type RefreshDecision, type RefreshTokenRecord } from "../src/index.ts";

const NOW = new Date("2026-03-02T10:00:00Z");
const later = (ms: number): Date => new Date(NOW.getTime() + ms);

describe("generateOpaqueToken", () => {
  it("returns 256 random bits as base64url", () => {
    const token = generateOpaqueToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, "base64url")).toHaveLength(32);
  });

  it("never repeats", () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => generateOpaqueToken()));
    expect(tokens.size).toBe(1000);
  });

  it("takes more bytes, never fewer than 32", () => {
    expect(Buffer.from(generateOpaqueToken(64), "base64url")).toHaveLength(64);
    expect(() => generateOpaqueToken(16)).toThrow(RangeError);
    expect(() => generateOpaqueToken(32.5)).toThrow(RangeError);
  });
});

describe("hashToken", () => {
  it("is SHA-256 in lower-case hex", () => {
    // FIPS 180-2 test vector for "abc".
    expect(hashToken("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("is deterministic, so the store can look the presented token up by its hash", () => {
    const token = generateOpaqueToken();
    expect(hashToken(token)).toBe(hashToken(token));
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(token)).not.toContain(token);
    expect(hashToken(generateOpaqueToken())).not.toBe(hashToken(token));
  });
});

describe("decideRefresh", () => {
  const fresh: RefreshTokenRecord = { familyId: randomUUID(), usedAt: null, revokedAt: null, expiresAt: later(60_000) };

  it.each<[string, Partial<RefreshTokenRecord>, RefreshDecision]>([
    ["an unused, unrevoked, unexpired token rotates", {}, "rotate"],
    ["a spent token presented again is reuse", { usedAt: later(-1_000) }, "reuse_detected"],
    ["reuse wins over revocation", { usedAt: later(-2_000), revokedAt: later(-1_000) }, "reuse_detected"],
    ["reuse wins over expiry", { usedAt: later(-2_000), expiresAt: later(-1_000) }, "reuse_detected"],
    ["a revoked token is revoked", { revokedAt: later(-1_000) }, "revoked"],
    ["revocation wins over expiry", { revokedAt: later(-2_000), expiresAt: later(-1_000) }, "revoked"],
    ["a token is expired at its expiresAt", { expiresAt: NOW }, "expired"],
    ["and after it", { expiresAt: later(-1) }, "expired"],
    ["but not a millisecond before it", { expiresAt: later(1) }, "rotate"],
    ["an unreadable expiry counts as expired", { expiresAt: new Date(Number.NaN) }, "expired"],
  ])("%s", (_name, change, decision) => {
    expect(decideRefresh({ ...fresh, ...change }, NOW)).toBe(decision);
  });

  it("treats an unreadable clock as expired too", () => {
    expect(decideRefresh(fresh, new Date(Number.NaN))).toBe("expired");
  });

  it("drives rotation and family revocation the way the app's store will", () => {
    // A stand-in for the store: records keyed by hashToken, as the app will keep them.
    const store = new Map<string, RefreshTokenRecord>();
    const issue = (familyId: string, now: Date): string => {
      const token = generateOpaqueToken();
      store.set(hashToken(token), { familyId, usedAt: null, revokedAt: null, expiresAt: new Date(now.getTime() + 86_400_000) });
      return token;
    };
    const refresh = (token: string, now: Date): { decision: RefreshDecision | "unknown"; next?: string } => {
      const record = store.get(hashToken(token));
      if (!record) return { decision: "unknown" };
      const decision = decideRefresh(record, now);
      if (decision === "rotate") {
        record.usedAt = now;
        return { decision, next: issue(record.familyId, now) };
      }
      if (decision === "reuse_detected") {
        for (const r of store.values()) if (r.familyId === record.familyId) r.revokedAt ??= now;
      }
      return { decision };
    };

    const first = issue(randomUUID(), NOW);
    const second = refresh(first, later(1_000));
    expect(second.decision).toBe("rotate");
    expect([...store.keys()]).not.toContain(first);

    // The old token comes back (stolen copy): the whole family dies, including the legitimate successor.
    expect(refresh(first, later(2_000)).decision).toBe("reuse_detected");
    expect(refresh(second.next ?? "", later(3_000)).decision).toBe("revoked");
    expect(refresh(generateOpaqueToken(), later(3_000)).decision).toBe("unknown");
  });
});
