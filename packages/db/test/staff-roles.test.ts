import { STAFF_ROLES } from "@cleanops/auth";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MEMBERSHIP_ROLES } from "../src/entities/index.ts";
import { ROLES } from "../src/index.ts";
import { createTestDatabase, type TestDatabase } from "../src/testing/index.ts";

describe("the staff role list", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase("head");
  });
  afterAll(async () => {
    await db.drop();
  });

  it("exists once in code: db's ROLES and the entities' roles are auth's STAFF_ROLES itself", () => {
    expect(ROLES).toBe(STAFF_ROLES);
    expect(MEMBERSHIP_ROLES).toBe(STAFF_ROLES);
  });

  it("matches the frozen CHECK constraints of the database exactly", async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const checks = await client.query<{ table: string; def: string }>(
        `SELECT conrelid::regclass::text AS table, pg_get_constraintdef(oid) AS def FROM pg_constraint
          WHERE contype = 'c' AND conrelid IN ('memberships'::regclass, 'invitations'::regclass) AND pg_get_constraintdef(oid) LIKE '%role%'`,
      );
      expect(checks.rows.map((r) => r.table).sort()).toEqual(["invitations", "memberships"]);
      for (const { def } of checks.rows) {
        expect([...def.matchAll(/'([a-z]+)'::text/g)].map((m) => m[1])).toEqual([...STAFF_ROLES]);
      }
    } finally {
      await client.end();
    }
  });
});
