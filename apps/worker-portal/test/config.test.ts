import { describe, expect, it } from "vitest";
import { DEFAULT_PHOTO_STORAGE_DIR, loadConfig, WORKER_PORTAL_DEFAULT_PORT } from "../src/config.ts";

const base = { DATABASE_URL: "postgres://app@127.0.0.1:5432/cleanops", JWT_SECRET: "a-long-enough-secret-0123456789abcdefghij" };

describe("loadConfig", () => {
  it("defaults: port 3002, photos under .data/photos, Secure cookies outside development", () => {
    const c = loadConfig({ ...base, NODE_ENV: "production" });
    expect(c.port).toBe(WORKER_PORTAL_DEFAULT_PORT);
    expect(c.photoStorageDir).toBe(DEFAULT_PHOTO_STORAGE_DIR);
    expect(c.cookieSecure).toBe(true);
    expect(loadConfig({ ...base, NODE_ENV: "test" }).cookieSecure).toBe(true);
    expect(loadConfig({ ...base, NODE_ENV: "development" }).cookieSecure).toBe(false);
    expect(loadConfig({ ...base, NODE_ENV: "production", COOKIE_SECURE: "false" }).cookieSecure).toBe(false);
    expect(loadConfig({ ...base, PHOTO_STORAGE_DIR: "/srv/photos" }).photoStorageDir).toBe("/srv/photos");
  });

  it("names the bad variable, never a secret", () => {
    expect(() => loadConfig({ ...base, COOKIE_SECURE: "yes" })).toThrow(/COOKIE_SECURE/);
    expect(() => loadConfig({ DATABASE_URL: base.DATABASE_URL, NODE_ENV: "production" })).toThrow(/JWT_SECRET/);
    expect(() => loadConfig({ JWT_SECRET: base.JWT_SECRET })).toThrow(/DATABASE_URL/);
  });
});
