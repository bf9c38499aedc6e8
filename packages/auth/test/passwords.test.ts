import { parseOptions } from "@node-rs/argon2";
import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "../src/index.ts";
import { LEGACY_ARGON2_HASH, LEGACY_ARGON2_PASSWORD } from "./fixtures/legacy-argon2-hash.ts";

describe("passwords", () => {
  it("hashes with argon2id and the OWASP parameters, salted per hash", async () => {
    const a = await hashPassword("correct horse battery");
    const b = await hashPassword("correct horse battery");
    // The PHC parameter order differs between libraries (the former argon2 package wrote m,p,t): check the values.
    expect(a).toMatch(/^\$argon2id\$v=19\$/);
    expect(parseOptions(a)).toMatchObject({ memoryCost: 19_456, timeCost: 2, parallelism: 1 });
    expect(a).not.toBe(b);
  });

  it("verifies the right password only", async () => {
    const hash = await hashPassword("correct horse battery");
    expect(await verifyPassword(hash, "correct horse battery")).toBe(true);
    expect(await verifyPassword(hash, "correct horse battery!")).toBe(false);
  });

  it("verifies a hash stored by the former argon2 package, and refuses a wrong password against it", async () => {
    expect(await verifyPassword(LEGACY_ARGON2_HASH, LEGACY_ARGON2_PASSWORD)).toBe(true);
    expect(await verifyPassword(LEGACY_ARGON2_HASH, `${LEGACY_ARGON2_PASSWORD}!`)).toBe(false);
  });

  it("answers false for a missing or malformed hash without throwing", async () => {
    expect(await verifyPassword(null, "whatever-password")).toBe(false);
    expect(await verifyPassword("not-a-hash", "whatever-password")).toBe(false);
  });

  it("refuses passwords that are too short", async () => {
    await expect(hashPassword("short")).rejects.toThrow(/at least 10 characters/);
  });
});
