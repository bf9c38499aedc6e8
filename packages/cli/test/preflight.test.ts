import { DEFAULT_ORG_ID, fillLegacyFixture, LEGACY_HEAD, MIGRATION_NAMES } from "@cleanops/db";
import { checksumTables, createTestDatabase, snapshotCatalog, type CatalogSnapshot, type TestDatabase } from "@cleanops/db/testing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCommand } from "../src/main.ts";
import { runCli } from "./cli-run.ts";
import { testContext } from "./cli-test-context.ts";

const ROOM_MS = 600_000;

function columnsOf(snap: CatalogSnapshot): Record<string, string[]> {
  return Object.fromEntries(Object.entries(snap.columns).map(([t, cols]) => [t, cols.map((c) => c.name)]));
}

/** The catalog, every row of every table, and the migrations recorded. */
async function wholeState(client: pg.Client) {
  const catalog = await snapshotCatalog(client);
  const rows = await checksumTables(client, columnsOf(catalog));
  const migrations = (await client.query<{ name: string }>(`SELECT name FROM mikro_orm_migrations ORDER BY id`)).rows.map((r) => r.name);
  return { catalog, rows, migrations };
}

describe("db:preflight and db:migrate on a messy legacy install, as processes", { timeout: ROOM_MS }, () => {
  let db: TestDatabase;
  let client: pg.Client;
  beforeAll(async () => {
    db = await createTestDatabase("legacy");
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await fillLegacyFixture(client, { bookings: 6, seed: 3 });
  }, ROOM_MS);
  afterAll(async () => {
    await client.end();
    await db.drop();
  });

  it("lists every problem at once, with table, key, offending rows and what to do; db:migrate changes nothing", async () => {
    // A load with triggers off left a photo pointing at no booking.
    await client.query(`SET session_replication_role = replica`);
    const orphan = await client.query<{ id: string }>(
      `UPDATE order_photos SET booking_id = '00000000-0000-4000-8000-00000000dead' WHERE id = (SELECT min(id::text)::uuid FROM order_photos) RETURNING id`,
    );
    await client.query(`SET session_replication_role = origin`);
    // An operator replaced the workers' email constraint by a case-insensitive index of the same name ...
    await client.query(`ALTER TABLE workers DROP CONSTRAINT workers_email_key`);
    await client.query(`CREATE UNIQUE INDEX workers_email_key ON workers (lower(email))`);
    // ... dropped the teams' name key and loaded a duplicate ...
    await client.query(`ALTER TABLE teams DROP CONSTRAINT teams_name_key`);
    await client.query(`INSERT INTO teams (name) SELECT name FROM teams ORDER BY name LIMIT 1`);
    // ... has a users table of its own, an org_id column on leads, a report view on organizations.org_id ...
    await client.query(`CREATE TABLE users (id serial PRIMARY KEY, login text)`);
    await client.query(`ALTER TABLE leads ADD COLUMN org_id integer`);
    await client.query(`CREATE VIEW org_report AS SELECT org_id, name FROM organizations`);
    // ... and bookings without a client, which the application requires.
    await client.query(`ALTER TABLE bookings ALTER COLUMN client_id DROP NOT NULL`);
    const noClient = await client.query<{ id: string }>(
      `UPDATE bookings SET client_id = NULL WHERE id = (SELECT min(id::text)::uuid FROM bookings) RETURNING id`,
    );
    const before = await wholeState(client);

    const pre = await runCli(["db:preflight"], { DATABASE_URL: db.url, LOG_LEVEL: "warn" }).exited;
    expect(pre.code).toBe(1);
    expect(pre.stderr).toContain("error: Pre-flight found 7 problem(s); nothing was changed.");
    const lines = pre.stderr;
    expect(lines).toContain("[in the way] users table");
    expect(lines).toContain("[dependency] org_report organizations.org_id");
    expect(lines).toContain("[in the way] leads org_id");
    expect(lines).toMatch(/\[duplicates\] teams \(name\): 1 row\(s\)\n {6}\(.*\) ×2\n {6}→ 0035 makes \(org_id, name\) unique/);
    expect(lines).toMatch(
      /\[index name\] workers workers_email_key\n {6}CREATE UNIQUE INDEX workers_email_key ON public\.workers USING btree \(lower\(email\)\)\n {6}→ an index/,
    );
    expect(lines).toContain(
      `[orphans] order_photos booking_id → bookings.id: 1 row(s)\n      id=${orphan.rows[0]?.id} booking_id=00000000-0000-4000-8000-00000000dead`,
    );
    expect(lines).toContain(
      `[nulls] bookings client_id: 1 row(s)\n      id=${noClient.rows[0]?.id}\n      → bookings.client_id is required`,
    );

    const migrate = await runCli(["db:migrate"], { DATABASE_URL: db.url, LOG_LEVEL: "warn" }).exited;
    expect(migrate.code).toBe(1);
    expect(migrate.stderr).toContain("error: Pre-flight found 7 problem(s); nothing was changed.");
    expect(await wholeState(client)).toEqual(before);
  });
});

describe("the legacy company becomes the Default org, whatever its id", { timeout: ROOM_MS }, () => {
  let db: TestDatabase;
  let client: pg.Client;
  beforeAll(async () => {
    db = await createTestDatabase("legacy");
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  }, ROOM_MS);
  afterAll(async () => {
    await client.end();
    await db.drop();
  });

  const orgs = async () =>
    (
      await client.query<{ org_id: string; name: string; slug: string; plan: string | null; seats: number | null; usage: number }>(
        `SELECT o.org_id::text, o.name, o.slug, b.plan, b.seats,
                (SELECT count(*)::int FROM organization_usage_events u WHERE u.org_id = o.org_id) AS usage
           FROM organizations o LEFT JOIN organization_billing b ON b.org_id = o.org_id ORDER BY o.org_id`,
      )
    ).rows;

  it("one organization with id 7 keeps its name, slug, plan and usage as the Default org; rollback gives back id 7", async () => {
    await client.query(`INSERT INTO organizations (org_id, name, slug) VALUES (7, 'Acme Cleaning', 'acme')`);
    await client.query(`INSERT INTO organization_billing (org_id, plan, seats) VALUES (7, 'pro', 5)`);
    await client.query(`INSERT INTO organization_usage_events (org_id, kind) VALUES (7, 'booking_created'), (7, 'sms_sent')`);
    const c = await client.query<{ id: string }>(`INSERT INTO client_users (name) VALUES ('A client') RETURNING id`);
    await client.query(
      `INSERT INTO bookings (client_id, starts_at, duration_minutes, address, price_cents, currency) VALUES ($1, now(), 60, '1 Main St', 9000, 'EUR')`,
      [c.rows[0]?.id],
    );
    const legacy = await wholeState(client);

    const pre = await runCli(["db:preflight"], { DATABASE_URL: db.url, LOG_LEVEL: "warn" }).exited;
    expect(pre.code, pre.stderr).toBe(0);
    const line = `Default org: the legacy organization 7 "Acme Cleaning" (slug acme, plan pro) becomes ${DEFAULT_ORG_ID}, keeping its name, slug, plan and usage; every business row belongs to it.`;
    expect(pre.stdout.split("\n")[0]).toBe(line);
    const up = await runCli(["db:migrate"], { DATABASE_URL: db.url, LOG_LEVEL: "warn" }).exited;
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout.split("\n")[0]).toBe(line);
    expect(await orgs()).toEqual([{ org_id: DEFAULT_ORG_ID, name: "Acme Cleaning", slug: "acme", plan: "pro", seats: 5, usage: 2 }]);
    const owned = await client.query<{ org_id: string }>(`SELECT DISTINCT org_id::text FROM bookings`);
    expect(owned.rows).toEqual([{ org_id: DEFAULT_ORG_ID }]);

    for (let i = MIGRATION_NAMES.length - 1; MIGRATION_NAMES[i] !== LEGACY_HEAD; i--)
      await runCommand(["db:rollback"], testContext(db.url));
    const back = await wholeState(client);
    expect(back.migrations).toEqual(legacy.migrations);
    expect(back.catalog).toEqual(legacy.catalog);
    expect(back.rows).toEqual(legacy.rows);
  });

  it("several organizations: the pre-flight refuses until --default-org-from names one; rollback restores every id", async () => {
    await client.query(`INSERT INTO organizations (org_id, name, slug) VALUES (1, 'Old test org', 'old-test'), (12, 'Branch', 'branch')`);
    const legacy = await wholeState(client);
    const refused = await runCli(["db:migrate"], { DATABASE_URL: db.url, LOG_LEVEL: "warn" }).exited;
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /\[default org\] organizations org_id: 3 row\(s\)\n {6}1 "Old test org" \(slug old-test\)\n {6}7 "Acme Cleaning"/,
    );
    expect(refused.stderr).toContain("with --default-org-from ID");
    expect(await wholeState(client)).toEqual(legacy);

    const up = await runCli(["db:migrate", "--to", "0034", "--default-org-from", "7"], { DATABASE_URL: db.url, LOG_LEVEL: "warn" }).exited;
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toContain("The other organizations (1, 12) stay organizations of their own");
    expect((await orgs()).map((o) => [o.org_id, o.name])).toEqual([
      [DEFAULT_ORG_ID, "Acme Cleaning"],
      ["00000000-0000-0000-0000-000000000007", "Old test org"],
      ["00000000-0000-0000-0000-00000000000c", "Branch"],
    ]);
    await runCommand(["db:rollback"], testContext(db.url));
    expect(await wholeState(client)).toEqual(legacy);
  });
});
