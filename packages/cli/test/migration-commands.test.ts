import { DEFAULT_ORG_ID, LEGACY_HEAD, MIGRATION_NAMES } from "@cleanops/db";
import { asAppRole, createTestDatabase, TEST_APP_ROLE_PASSWORD, type TestDatabase } from "@cleanops/db/testing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCommand } from "../src/main.ts";
import { testContext } from "./cli-test-context.ts";

describe("db:migrate, db:status, db:rollback", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase("legacy");
  });
  afterAll(async () => {
    await db.drop();
  });

  it("reports status, migrates step by step with --to, rolls back one step, and verifies the schema after each", async () => {
    // Derived from the migration list, so migrations added after 0043 need no change here.
    const afterLegacy = MIGRATION_NAMES.slice(MIGRATION_NAMES.indexOf(LEGACY_HEAD) + 1);
    const head = MIGRATION_NAMES.at(-1) ?? "";
    const verified = (v: string) => `Verified: the schema is exactly that of ${v}.`;
    const status = testContext(db.url);
    await runCommand(["db:status"], status);
    expect(status.output).toEqual([
      expect.stringMatching(/^Applied: 33 \(latest 0033_reporting_indexes, /),
      `Pending: ${afterLegacy.length}`,
      ...afterLegacy.map((n) => `  ${n}`),
    ]);

    const to34 = testContext(db.url);
    await runCommand(["db:migrate", "--to", "0034"], to34);
    expect(to34.output).toEqual([
      `Default org: no legacy organization; 0034 creates a blank Default org ${DEFAULT_ORG_ID}.`,
      "Applied 1 migration(s):",
      "  0034_org_id_uuid_and_default_org",
      verified("0034_org_id_uuid_and_default_org"),
    ]);

    const toHead = testContext(db.url);
    await runCommand(["db:migrate"], toHead);
    expect(toHead.output).toEqual([
      `Applied ${afterLegacy.length - 1} migration(s):`,
      ...afterLegacy.slice(1).map((n) => `  ${n}`),
      verified(head),
    ]);

    const again = testContext(db.url);
    await runCommand(["db:migrate"], again);
    expect(again.output).toEqual(["Nothing to migrate: the database is at the requested version.", verified(head)]);

    const back = testContext(db.url);
    await runCommand(["db:rollback"], back);
    expect(back.output).toEqual([`Rolled back ${head}.`, verified(MIGRATION_NAMES.at(-2) ?? "")]);
    const after = testContext(db.url);
    await runCommand(["db:status"], after);
    expect(after.output.slice(1)).toEqual(["Pending: 1", `  ${head}`]);

    const verify = testContext(db.url);
    await runCommand(["db:verify"], verify);
    expect(verify.output).toEqual([verified(MIGRATION_NAMES.at(-2) ?? "")]);
  });

  it("refuses an unknown or ambiguous --to", async () => {
    await expect(runCommand(["db:migrate", "--to", "0099"], testContext(db.url))).rejects.toThrow('No migration matches "0099"');
    await expect(runCommand(["db:migrate", "--to", "003"], testContext(db.url))).rejects.toThrow('"003" matches several migrations');
  });
});

describe("db:app-role", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase("head");
  });
  afterAll(async () => {
    await db.drop();
  });

  it("lets the application role log in with the given password, and refuses a short one", async () => {
    // The role is shared by every database of the test server, so the suite's own password is set again.
    const password = TEST_APP_ROLE_PASSWORD;
    const ctx = testContext(db.url);
    await runCommand(["db:app-role", "--password", password], ctx);
    expect(ctx.output[0]).toMatch(/^cleanops_app can log in now/);
    const c = new pg.Client({ connectionString: asAppRole(db.url) });
    await c.connect();
    const who = await c.query<{ u: string; bypass: boolean }>(
      `SELECT current_user AS u, rolbypassrls AS bypass FROM pg_roles WHERE rolname = current_user`,
    );
    await c.end();
    expect(who.rows).toEqual([{ u: "cleanops_app", bypass: false }]);
    await expect(runCommand(["db:app-role", "--password", "short"], testContext(db.url))).rejects.toThrow(/at least 16 characters/);
  });
});
