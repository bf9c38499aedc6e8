import { fileURLToPath } from "node:url";
import { spawnServer } from "@cleanops/http/testing";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.ts";

const DB = "postgres://cleanops_app@127.0.0.1:5432/cleanops";
const SECRET = "production-secret-0123456789abcdefghijklmnop";

describe("admin-api configuration", () => {
  it("reads the key ring and token lifetimes, with defaults", () => {
    const c = loadConfig({ DATABASE_URL: DB, NODE_ENV: "production", JWT_SECRET: SECRET });
    expect(c).toMatchObject({ port: 3001, accessTokenTtlSeconds: 900, refreshTokenTtlDays: 30, keyRingWarnings: [] });
    expect(c.keyRing.current).toEqual({ kid: "k1", secret: SECRET });
    const rotated = loadConfig({
      DATABASE_URL: DB,
      JWT_SECRET: SECRET,
      JWT_KID: "k2",
      JWT_PREVIOUS_SECRETS: `k1:${SECRET}-old`,
      JWT_ACCESS_TTL_SECONDS: "300",
      REFRESH_TOKEN_TTL_DAYS: "7",
    });
    expect(rotated).toMatchObject({
      accessTokenTtlSeconds: 300,
      refreshTokenTtlDays: 7,
      keyRing: { current: { kid: "k2" }, previous: [{ kid: "k1" }] },
    });
    expect(c.trustProxy).toBe(false);
    expect(c.publicInvoicesUrl).toBe("http://127.0.0.1:3003");
    expect(loadConfig({ DATABASE_URL: DB, PUBLIC_INVOICES_URL: "https://pay.example.test/" }).publicInvoicesUrl).toBe(
      "https://pay.example.test",
    );
    expect(() => loadConfig({ DATABASE_URL: DB, PUBLIC_INVOICES_URL: "ftp://x" })).toThrow(/PUBLIC_INVOICES_URL/);
    const proxied = (v: string) => loadConfig({ DATABASE_URL: DB, JWT_SECRET: SECRET, TRUST_PROXY: v }).trustProxy;
    expect([proxied("true"), proxied("1"), proxied("loopback, 10.0.0.0/8")]).toEqual([true, 1, "loopback, 10.0.0.0/8"]);
  });

  it("outside production, a missing secret is generated per process with a warning", () => {
    const c = loadConfig({ DATABASE_URL: DB });
    expect(c.keyRingWarnings).toEqual([expect.stringContaining("JWT_SECRET is not set")]);
  });

  it("refuses a bad value with one line naming the variable and never the secret", () => {
    const bad: [Record<string, string>, RegExp][] = [
      [{ NODE_ENV: "production" }, /^Invalid configuration: JWT_SECRET is required in production/],
      [{ JWT_SECRET: "too-short" }, /^Invalid configuration: JWT_SECRET must be at least 32 bytes/],
      [{ JWT_SECRET: SECRET, JWT_ACCESS_TTL_SECONDS: "7200" }, /JWT_ACCESS_TTL_SECONDS/],
      [{ JWT_SECRET: SECRET, REFRESH_TOKEN_TTL_DAYS: "0" }, /^Invalid configuration: REFRESH_TOKEN_TTL_DAYS/],
      [{ JWT_SECRET: SECRET, REFRESH_TOKEN_TTL_DAYS: "2.5" }, /REFRESH_TOKEN_TTL_DAYS/],
      [{ JWT_SECRET: SECRET, TRUST_PROXY: "$(evil)" }, /^Invalid configuration: TRUST_PROXY/],
    ];
    for (const [env, message] of bad) {
      let error: unknown;
      try {
        loadConfig({ DATABASE_URL: DB, ...env });
      } catch (err) {
        error = err;
      }
      expect(error, JSON.stringify(env)).toBeInstanceOf(Error);
      const text = (error as Error).message;
      expect(text).toMatch(message);
      expect(text).not.toContain("\n");
      expect(text).not.toContain("too-short");
    }
  });

  it("the server stops at start in production without JWT_SECRET: one line on stderr, exit 1", async () => {
    const entry = fileURLToPath(new URL("../src/server.ts", import.meta.url));
    const proc = spawnServer(entry, { DATABASE_URL: DB, NODE_ENV: "production", PORT: "0" });
    expect(await proc.exited).toBe(1);
    expect(proc.stderr().trim().split("\n")).toEqual([
      expect.stringMatching(/^Invalid configuration: JWT_SECRET is required in production/),
    ]);
  });
});
