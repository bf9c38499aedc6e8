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

  it("reports status, migrates step by step with --to, and rolls back one step", async () => {
    const status = testContext(db.url);
    await runCommand(["db:status"], status);
    expect(status.output).toEqual([
      expect.stringMatching(/^Applied: 33 \(latest 0033_reporting_indexes, /),
      "Pending: 11",
      "  0034_org_id_uuid_and_default_org",
      "  0035_add_org_id_to_core_tables",
      "  0036_org_scoped_references",
      "  0037_row_level_security",
      "  0038_auth_sessions_and_invitations",
      "  0039_public_invoice_token_lookup",
      "  0040_back_office_operations",
      "  0041_invoicing_settings",
      "  0042_recurring_bookings_and_conversions",
      "  0043_payment_webhooks_and_rate_limits",
      "  0051_org_settings_grant",
    ]);

    const to34 = testContext(db.url);
    await runCommand(["db:migrate", "--to", "0034"], to34);
    expect(to34.output).toEqual(["Applied 1 migration(s):", "  0034_org_id_uuid_and_default_org"]);

    const head = testContext(db.url);
    await runCommand(["db:migrate"], head);
    expect(head.output).toEqual([
      "Applied 10 migration(s):",
      "  0035_add_org_id_to_core_tables",
      "  0036_org_scoped_references",
      "  0037_row_level_security",
      "  0038_auth_sessions_and_invitations",
      "  0039_public_invoice_token_lookup",
      "  0040_back_office_operations",
      "  0041_invoicing_settings",
      "  0042_recurring_bookings_and_conversions",
      "  0043_payment_webhooks_and_rate_limits",
      "  0051_org_settings_grant",
    ]);

    const again = testContext(db.url);
    await runCommand(["db:migrate"], again);
    expect(again.output).toEqual(["Nothing to migrate: the database is at the requested version."]);

    const back = testContext(db.url);
    await runCommand(["db:rollback"], back);
    expect(back.output).toEqual(["Rolled back 0051_org_settings_grant."]);
    const after = testContext(db.url);
    await runCommand(["db:status"], after);
    expect(after.output.slice(1)).toEqual(["Pending: 1", "  0051_org_settings_grant"]);
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
