import { MIN_PASSWORD_LENGTH } from "@cleanops/auth";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NEW_PASSWORD_RULE, newPasswordProblem, SLUG_PATTERN, slugify, slugSchema } from "../src/platform/account-rules.ts";
import { createTestDatabase, type TestDatabase } from "../src/testing/index.ts";

const SLUGS = ["bright-homes", "a", "0-9", "a".repeat(63), "a".repeat(64), "-lead", "Upper", "with space", "ünï", ""];

describe("the slug rule", () => {
  let db: TestDatabase;
  let owner: pg.Client;
  beforeAll(async () => {
    db = await createTestDatabase("head");
    owner = new pg.Client({ connectionString: db.url });
    await owner.connect();
  });
  afterAll(async () => {
    await owner.end();
    await db.drop();
  });

  it("is the one organizations.slug's CHECK constraint enforces: same verdict on every sample", async () => {
    const check = await owner.query<{ def: string }>(
      `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'organizations'::regclass AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%slug%'`,
    );
    expect(check.rows[0]?.def).toContain(SLUG_PATTERN.source);
    for (const slug of SLUGS) {
      const inDb = await owner.query<{ ok: boolean }>(`SELECT $1 ~ $2 AS ok`, [slug, SLUG_PATTERN.source]);
      expect({ slug, ok: slugSchema.safeParse(slug).success }).toEqual({ slug, ok: inDb.rows[0]?.ok });
    }
  });

  it("slugify always gives a valid slug", () => {
    for (const name of ["Bright Homes", "Ménage & Fils", "---", "x".repeat(100) + " y"]) expect(slugify(name)).toMatch(SLUG_PATTERN);
    expect(slugify("Ménage & Fils")).toBe("menage-fils");
  });
});

describe("the new-password rule", () => {
  it(`needs at least ${MIN_PASSWORD_LENGTH} characters, and says so in one sentence`, () => {
    expect(newPasswordProblem("a".repeat(MIN_PASSWORD_LENGTH - 1))).toBe(NEW_PASSWORD_RULE);
    expect(newPasswordProblem("a".repeat(MIN_PASSWORD_LENGTH))).toBeUndefined();
    expect(newPasswordProblem("a".repeat(2000))).toBeDefined();
  });
});
