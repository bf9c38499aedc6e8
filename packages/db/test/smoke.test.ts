import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../src/testing/index.ts";
import { MIGRATION_NAMES } from "../src/migrations/names.ts";

describe("test database harness", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase("head");
  });
  afterAll(async () => {
    await db.drop();
  });

  it("clones a database migrated to head", async () => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    const r = await c.query<{ n: number }>("select count(*)::int as n from mikro_orm_migrations");
    await c.end();
    expect(r.rows[0]?.n).toBe(MIGRATION_NAMES.length);
  });
});
