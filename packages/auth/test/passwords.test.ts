import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "../src/index.ts";

describe("passwords", () => {
  it("hashes with argon2id and the OWASP parameters, salted per hash", async () => {
    const a = await hashPassword("correct horse battery");
    const b = await hashPassword("correct horse battery");
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(a).not.toBe(b);
  });

  it("verifies the right password only", async () => {
    const hash = await hashPassword("correct horse battery");
    expect(await verifyPassword(hash, "correct horse battery")).toBe(true);
    expect(await verifyPassword(hash, "correct horse battery!")).toBe(false);
  });

  it("answers false for a missing or malformed hash without throwing", async () => {
    expect(await verifyPassword(null, "whatever-password")).toBe(false);
    expect(await verifyPassword("not-a-hash", "whatever-password")).toBe(false);
  });

  it("refuses passwords that are too short", async () => {
    await expect(hashPassword("short")).rejects.toThrow(/at least 10 characters/);
  });
});
