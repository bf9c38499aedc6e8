import { createTestDatabase, type TestDatabase } from "@cleanops/db/testing";
import { verifyPassword } from "@cleanops/auth";
import { NEW_PASSWORD_RULE } from "@cleanops/db";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { userCreateCommand } from "../src/commands/account-commands.ts";
import { runCommand } from "../src/main.ts";
import { testContext } from "./cli-test-context.ts";

describe("org:create, user:create, member:add", () => {
  let db: TestDatabase;
  let client: pg.Client;

  beforeAll(async () => {
    db = await createTestDatabase("head");
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await db.drop();
  });

  it("creates an organization with its billing stub and invoice numbering, and prints what it created", async () => {
    const ctx = testContext(db.url);
    await runCommand(["org:create", "--name", "Acme Cleaning Ltd."], ctx);
    const org = await client.query<{ org_id: string; slug: string }>(
      `SELECT org_id, slug FROM organizations WHERE name = 'Acme Cleaning Ltd.'`,
    );
    expect(org.rows[0]?.slug).toBe("acme-cleaning-ltd");
    const orgId = org.rows[0]?.org_id ?? "";
    expect(ctx.output.join("\n")).toContain(orgId);
    const billing = await client.query(`SELECT plan FROM organization_billing WHERE org_id = $1`, [orgId]);
    expect(billing.rows).toEqual([{ plan: "free" }]);
    const seq = await client.query(`SELECT prefix, next_value FROM invoice_number_sequences WHERE org_id = $1`, [orgId]);
    expect(seq.rows).toEqual([{ prefix: "INV", next_value: 1 }]);
  });

  it("takes an explicit id and slug, and refuses a taken slug or a malformed id without writing anything", async () => {
    const id = "2b0d7c1e-5d3a-4a51-9b8e-0c1f2a3b4c5d";
    await runCommand(["org:create", "--name", "Second", "--slug", "second", "--id", id], testContext(db.url));
    const found = await client.query(`SELECT name FROM organizations WHERE org_id = $1`, [id]);
    expect(found.rows).toEqual([{ name: "Second" }]);

    await expect(runCommand(["org:create", "--name", "Again", "--slug", "second"], testContext(db.url))).rejects.toThrow(
      'An organization with slug "second" already exists',
    );
    await expect(runCommand(["org:create", "--name", "Bad", "--id", "not-a-uuid"], testContext(db.url))).rejects.toThrow(
      'Invalid organization id "not-a-uuid": not a UUID',
    );
    const n = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM organizations WHERE name IN ('Again', 'Bad')`);
    expect(n.rows[0]?.n).toBe(0);
  });

  it("creates a user with an argon2id hash, lower-cases the email, and refuses a duplicate", async () => {
    const ctx = testContext(db.url);
    await runCommand(["user:create", "--email", "Owner@Example.COM", "--name", "Olga", "--password", "a-long-password"], ctx);
    const u = await client.query<{ email: string; password_hash: string }>(`SELECT email, password_hash FROM users WHERE name = 'Olga'`);
    expect(u.rows[0]?.email).toBe("owner@example.com");
    expect(u.rows[0]?.password_hash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(u.rows[0]?.password_hash, "a-long-password")).toBe(true);
    expect(ctx.output.join("\n")).not.toContain("a-long-password");
    await expect(
      runCommand(["user:create", "--email", "owner@example.com", "--password", "another-password"], testContext(db.url)),
    ).rejects.toThrow("A user with email owner@example.com already exists");
  });

  it("prompts for the password twice on a terminal, and refuses when there is none", async () => {
    const answers = ["typed-password-1", "typed-password-1"];
    const ctx = { ...testContext(db.url), interactive: true };
    await userCreateCommand(ctx, { email: "prompted@example.com" }, () => Promise.resolve(answers.shift() ?? ""));
    const u = await client.query<{ password_hash: string }>(`SELECT password_hash FROM users WHERE email = 'prompted@example.com'`);
    expect(await verifyPassword(u.rows[0]?.password_hash, "typed-password-1")).toBe(true);

    const mismatch = ["first-password-1", "second-password"];
    await expect(userCreateCommand(ctx, { email: "mismatch@example.com" }, () => Promise.resolve(mismatch.shift() ?? ""))).rejects.toThrow(
      "The passwords do not match",
    );
    await expect(runCommand(["user:create", "--email", "nobody@example.com"], testContext(db.url))).rejects.toThrow(
      "no --password given and no terminal to prompt on",
    );
    // The same rule, in the same words, as admin-api's sign-up and invitations.
    await expect(runCommand(["user:create", "--email", "short@example.com", "--password", "short"], testContext(db.url))).rejects.toThrow(
      `${NEW_PASSWORD_RULE}; nothing was created`,
    );
  });

  it("adds a member by org slug or id, and names what is wrong with bad input", async () => {
    const ctx = testContext(db.url);
    await runCommand(["member:add", "--org", "acme-cleaning-ltd", "--email", "owner@example.com", "--role", "owner"], ctx);
    expect(ctx.output[0]).toBe("Created membership: owner@example.com is owner of Acme Cleaning Ltd. (acme-cleaning-ltd)");
    const m = await client.query(
      `SELECT m.role FROM memberships m JOIN organizations o USING (org_id) JOIN users u ON u.id = m.user_id
        WHERE o.slug = 'acme-cleaning-ltd' AND u.email = 'owner@example.com'`,
    );
    expect(m.rows).toEqual([{ role: "owner" }]);

    const bad = (args: string[]) => runCommand(["member:add", ...args], testContext(db.url));
    await expect(bad(["--org", "acme-cleaning-ltd", "--email", "owner@example.com", "--role", "janitor"])).rejects.toThrow(
      'Invalid role "janitor": expected one of owner, admin, dispatcher, finance',
    );
    await expect(bad(["--org", "no-such-org", "--email", "owner@example.com", "--role", "admin"])).rejects.toThrow(
      'No organization with slug "no-such-org"',
    );
    await expect(bad(["--org", "2b0d7c1e-5d3a-4a51-9b8e-0c1f2a3b4c5e", "--email", "owner@example.com", "--role", "admin"])).rejects.toThrow(
      'No organization with id "2b0d7c1e-5d3a-4a51-9b8e-0c1f2a3b4c5e"',
    );
    await expect(bad(["--org", "second", "--email", "ghost@example.com", "--role", "admin"])).rejects.toThrow(
      "No user with email ghost@example.com",
    );
    await expect(bad(["--org", "acme-cleaning-ltd", "--email", "owner@example.com", "--role", "admin"])).rejects.toThrow(
      "already a member of acme-cleaning-ltd as owner; nothing changed",
    );
    await expect(bad(["--org", "second"])).rejects.toMatchObject({ exitCode: 2 });
    await expect(bad(["--org", "second", "--colour", "red"])).rejects.toMatchObject({ exitCode: 2 });
  });
});
