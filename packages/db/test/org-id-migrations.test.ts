import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fillLegacyFixture } from "../src/fixture/legacy-fixture.ts";
import { createLogger } from "../src/logger.ts";
import type { MigrationContext } from "../src/migrations/migration-context.ts";
import { MigrationRunner } from "../src/migrations/migrator.ts";
import { MIGRATION_NAMES } from "../src/migrations/names.ts";
import { DEFAULT_ORG_ID, TENANT_TABLES, orgIndexesFor } from "../src/migrations/tenant-tables.ts";
import {
  checksumTables,
  createTestDatabase,
  snapshotCatalog,
  type CatalogSnapshot,
  type TableChecksum,
  type TestDatabase,
} from "../src/testing/index.ts";

const logger = createLogger("silent");
/** The migrations after `name`: these tests stop at 0035, whatever comes later. */
const after = (name: string) => MIGRATION_NAMES.slice(MIGRATION_NAMES.indexOf(name) + 1);
const PLATFORM_ORG_TABLES = ["organizations", "organization_billing", "organization_usage_events"];
// At head the org keys are UUIDs; mapped back they must equal the legacy integers.
const MAPPED_ORG_ID = Object.fromEntries(
  PLATFORM_ORG_TABLES.map((t) => [t, { org_id: "('x' || right(t.org_id::text, 8))::bit(32)::int" }]),
);

function ctx(url: string, overrides: Partial<MigrationContext> = {}): MigrationContext {
  return { connectionString: url, logger, lockTimeoutMs: 2_000, lockRetries: 5, forceDataLoss: false, ...overrides };
}

async function withRunner<T>(c: MigrationContext, work: (r: MigrationRunner) => Promise<T>): Promise<T> {
  const runner = await MigrationRunner.open(c);
  try {
    return await work(runner);
  } finally {
    await runner.close();
  }
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

function legacyColumns(snap: CatalogSnapshot): Record<string, string[]> {
  return Object.fromEntries(Object.entries(snap.columns).map(([t, cols]) => [t, cols.map((c) => c.name)]));
}

/** Asserts the end state of 0035 on every business table, straight from the catalogs. */
async function expectTenantEndState(client: pg.Client): Promise<void> {
  for (const table of TENANT_TABLES) {
    const col = await client.query<{ type: string; notnull: boolean; hasdef: boolean }>(
      `SELECT format_type(atttypid, atttypmod) AS type, attnotnull AS notnull, atthasdef AS hasdef
         FROM pg_attribute WHERE attrelid = $1::regclass AND attname = 'org_id' AND NOT attisdropped`,
      [table.name],
    );
    expect(col.rows, table.name).toEqual([{ type: "uuid", notnull: true, hasdef: false }]);

    const fk = await client.query<{ target: string; cols: string; deltype: string; validated: boolean }>(
      `SELECT confrelid::regclass::text AS target, pg_get_constraintdef(oid) AS cols, confdeltype AS deltype, convalidated AS validated
         FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'f' AND conkey = ARRAY[
           (SELECT attnum FROM pg_attribute WHERE attrelid = $1::regclass AND attname = 'org_id')]::int2[]`,
      [table.name],
    );
    expect(fk.rows, `${table.name} org_id foreign key`).toHaveLength(1);
    expect(fk.rows[0]).toMatchObject({ target: "organizations", validated: true });
    expect(fk.rows[0]?.cols).toContain("REFERENCES organizations(org_id)");
    expect(["r", "a"], `${table.name} must not cascade`).toContain(fk.rows[0]?.deltype);

    const idx = await client.query<{ name: string; def: string; valid: boolean; unique: boolean; first: string }>(
      `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS def, i.indisvalid AS valid, i.indisunique AS unique,
              (SELECT attname FROM pg_attribute WHERE attrelid = i.indrelid AND attnum = i.indkey[0]) AS first
         FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = $1::regclass`,
      [table.name],
    );
    const byName = new Map(idx.rows.map((r) => [r.name, r]));
    for (const expected of orgIndexesFor(table)) {
      const found = byName.get(expected.name);
      expect(found, `${table.name}: index ${expected.name}`).toBeDefined();
      expect(found?.valid).toBe(true);
      expect(found?.unique).toBe(expected.unique);
      expect(found?.def).toContain(`(${expected.columns.join(", ")})`);
    }
    expect(
      idx.rows.some((r) => r.first === "org_id" && r.valid),
      `${table.name}: an index led by org_id`,
    ).toBe(true);
    if (table.hasStatus) expect(byName.has(`${table.name}_org_id_status_idx`)).toBe(true);
    if (table.hasCreatedAt) expect(byName.has(`${table.name}_org_id_created_at_idx`)).toBe(true);
    for (const u of table.perOrgUnique) {
      expect(byName.has(u.legacyName), `${u.legacyName} is no longer install-wide`).toBe(false);
    }

    const stray = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table.name} WHERE org_id <> $1`, [DEFAULT_ORG_ID]);
    expect(stray.rows[0]?.n, `${table.name}: rows off the Default org`).toBe(0);
  }
}

describe("migrations 0034 and 0035 on a filled legacy database", () => {
  let db: TestDatabase;
  let client: pg.Client;
  let legacySnapshot: CatalogSnapshot;
  let legacySums: Record<string, TableChecksum>;
  let columns: Record<string, string[]>;
  let headSnapshot: CatalogSnapshot;

  beforeAll(async () => {
    db = await createTestDatabase("legacy");
    client = await connect(db.url);
    await fillLegacyFixture(client, { bookings: 1_500, seed: 7 });
    legacySnapshot = await snapshotCatalog(client);
    columns = legacyColumns(legacySnapshot);
    legacySums = await checksumTables(client, columns);
    await withRunner(ctx(db.url), (r) => r.up("0035"));
    headSnapshot = await snapshotCatalog(client);
  });

  afterAll(async () => {
    await client.end();
    await db.drop();
  });

  it("covers every business table of the legacy schema", () => {
    const platform = new Set([...PLATFORM_ORG_TABLES]);
    const legacyBusiness = Object.keys(legacySnapshot.columns)
      .filter((t) => !platform.has(t))
      .sort();
    expect(TENANT_TABLES.map((t) => t.name).sort()).toEqual(legacyBusiness);
    expect(legacyBusiness).toHaveLength(30);
  });

  it("0034 gives organizations a UUID key with the Default org, and rebuilds the platform foreign keys", async () => {
    for (const t of PLATFORM_ORG_TABLES) {
      const type = await client.query<{ type: string }>(
        `SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = $1::regclass AND attname = 'org_id'`,
        [t],
      );
      expect(type.rows[0]?.type, t).toBe("uuid");
    }
    const orgs = await client.query<{ org_id: string; name: string }>(`SELECT org_id, name FROM organizations ORDER BY org_id`);
    // The legacy company was integer 1, so it *is* the Default org and keeps its name.
    expect(orgs.rows).toEqual([{ org_id: DEFAULT_ORG_ID, name: "Sparkle Cleaning Co" }]);
    const billing = await client.query(`SELECT plan FROM organization_billing WHERE org_id = $1`, [DEFAULT_ORG_ID]);
    expect(billing.rowCount).toBe(1);
    expect(headSnapshot.constraints.organization_billing?.organization_billing_org_id_fkey).toBe(
      "FOREIGN KEY (org_id) REFERENCES organizations(org_id) ON DELETE CASCADE",
    );
    expect(headSnapshot.constraints.organization_usage_events?.organization_usage_events_org_id_fkey).toContain(
      "REFERENCES organizations(org_id)",
    );
    expect(headSnapshot.columns.memberships?.find((c) => c.name === "org_id")?.type).toBe("uuid");
    expect(headSnapshot.constraints.memberships?.memberships_org_id_fkey).toBe(
      "FOREIGN KEY (org_id) REFERENCES organizations(org_id) ON DELETE RESTRICT",
    );
  });

  it("0035 leaves every business table scoped: uuid NOT NULL, no default, FK without cascade, org-led indexes", async () => {
    await expectTenantEndState(client);
  });

  it("keeps every legacy row and value", async () => {
    const after = await checksumTables(client, columns, MAPPED_ORG_ID);
    expect(after).toEqual(legacySums);
    expect(Object.values(after).every((s) => s.rows > 0)).toBe(true);
  });

  it("makes install-wide unique keys unique per org, and still unique within one", async () => {
    const other = "00000000-0000-0000-0000-0000000000aa";
    await client.query("BEGIN");
    try {
      await client.query(`INSERT INTO organizations (org_id, name, slug) VALUES ($1, 'Other', 'other-unique-check')`, [other]);
      const inv = await client.query<{ number: string; client_id: string }>(`SELECT number FROM invoices LIMIT 1`);
      const number = inv.rows[0]?.number;
      const c = await client.query<{ id: string }>(`INSERT INTO client_users (org_id, name) VALUES ($1, 'Their client') RETURNING id`, [
        other,
      ]);
      await client.query(`INSERT INTO invoices (org_id, number, client_id, status, currency) VALUES ($1, $2, $3, 'draft', 'USD')`, [
        other,
        number,
        c.rows[0]?.id,
      ]);
      await client.query("SAVEPOINT dup");
      await expect(
        client.query(`INSERT INTO invoices (org_id, number, client_id, status, currency) VALUES ($1, $2, $3, 'draft', 'USD')`, [
          other,
          number,
          c.rows[0]?.id,
        ]),
      ).rejects.toMatchObject({ code: "23505", constraint: "invoices_org_id_number_key" });
    } finally {
      await client.query("ROLLBACK");
    }
  });

  it("refuses an insert without org_id: nothing falls back to the Default org", async () => {
    await expect(client.query(`INSERT INTO teams (name) VALUES ('No org team')`)).rejects.toMatchObject({ code: "23502" });
  });

  it("rolls back 0035 then 0034 to the exact legacy schema and data, and migrates up again to the same end state", async () => {
    expect(await withRunner(ctx(db.url), (r) => r.downOne())).toEqual(["0035_add_org_id_to_core_tables"]);
    expect(await withRunner(ctx(db.url), (r) => r.downOne())).toEqual(["0034_org_id_uuid_and_default_org"]);
    expect(await snapshotCatalog(client)).toEqual(legacySnapshot);
    expect(await checksumTables(client, columns)).toEqual(legacySums);

    await withRunner(ctx(db.url), (r) => r.up("0035"));
    expect(await snapshotCatalog(client)).toEqual(headSnapshot);
    await expectTenantEndState(client);
    expect(await checksumTables(client, columns, MAPPED_ORG_ID)).toEqual(legacySums);
  });
});

describe("rollback once a second org has data", () => {
  let db: TestDatabase;
  let client: pg.Client;
  const second = "6f1c1c5e-8d8e-4a38-9a57-3f0e2f0c9b11";

  beforeAll(async () => {
    db = await createTestDatabase("legacy");
    client = await connect(db.url);
    await fillLegacyFixture(client, { bookings: 200, seed: 3 });
    await withRunner(ctx(db.url), (r) => r.up("0035"));
    await client.query(`INSERT INTO organizations (org_id, name, slug) VALUES ($1, 'Second Co', 'second-co')`, [second]);
    const c = await client.query<{ id: string }>(`INSERT INTO client_users (org_id, name) VALUES ($1, 'Their client') RETURNING id`, [
      second,
    ]);
    await client.query(
      `INSERT INTO bookings (org_id, client_id, starts_at, duration_minutes, address, price_cents, currency)
       VALUES ($1, $2, now(), 120, '1 Main St', 12000, 'USD'), ($1, $2, now(), 60, '2 Main St', 6000, 'USD')`,
      [second, c.rows[0]?.id],
    );
    await client.query(`INSERT INTO admin_audit_logs (org_id, action, entity_type) VALUES ($1, 'client.created', 'client_user')`, [second]);
  });

  afterAll(async () => {
    await client.end();
    await db.drop();
  });

  it("refuses, naming the tables and counts, and changes nothing", async () => {
    const before = await checksumTables(client, { bookings: ["id", "org_id"], client_users: ["id", "org_id"] });
    await expect(withRunner(ctx(db.url), (r) => r.downOne())).rejects.toThrow(
      /0035 down refused.*client_users: 1.*bookings: 2.*admin_audit_logs: 1.*--force-data-loss/s,
    );
    expect(await checksumTables(client, { bookings: ["id", "org_id"], client_users: ["id", "org_id"] })).toEqual(before);
    const status = await withRunner(ctx(db.url), (r) => r.status());
    expect(status.pending).toEqual(after("0035_add_org_id_to_core_tables"));
  });

  it("with the force flag deletes exactly the other org's rows, then 0034 down asks again for the org itself", async () => {
    const defaultBefore = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM bookings WHERE org_id = $1`, [DEFAULT_ORG_ID]);
    await withRunner(ctx(db.url, { forceDataLoss: true }), (r) => r.downOne());
    const after = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM bookings`);
    expect(after.rows[0]?.n).toBe(defaultBefore.rows[0]?.n);
    const audit = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM admin_audit_logs WHERE entity_type = 'client_user' AND action = 'client.created'`,
    );
    expect(audit.rows[0]?.n).toBe(0);

    await expect(withRunner(ctx(db.url), (r) => r.downOne())).rejects.toThrow(/0034 down refused.*Second Co/s);
    await withRunner(ctx(db.url, { forceDataLoss: true }), (r) => r.downOne());
    const orgs = await client.query<{ org_id: number }>(`SELECT org_id FROM organizations`);
    expect(orgs.rows).toEqual([{ org_id: 1 }]);
  });
});

describe("0035 interrupted by a lock and run again", () => {
  let db: TestDatabase;
  let client: pg.Client;
  let blocker: pg.Client;

  beforeAll(async () => {
    db = await createTestDatabase("legacy");
    client = await connect(db.url);
    blocker = await connect(db.url);
    await fillLegacyFixture(client, { bookings: 300, seed: 11 });
    await withRunner(ctx(db.url), (r) => r.up("0034"));
  });

  afterAll(async () => {
    await blocker.end().catch(() => undefined);
    await client.end();
    await db.drop();
  });

  it("fails after its bounded lock retries, leaves 0035 pending, and completes on the next run", async () => {
    await blocker.query("BEGIN");
    await blocker.query("LOCK TABLE invoices IN ACCESS EXCLUSIVE MODE");

    await expect(withRunner(ctx(db.url, { lockTimeoutMs: 100, lockRetries: 2 }), (r) => r.up("0035"))).rejects.toThrow(
      /invoices: add org_id: could not get a lock within 100 ms after 3 attempts/,
    );

    const status = await withRunner(ctx(db.url), (r) => r.status());
    expect(status.pending).toEqual(after("0034_org_id_uuid_and_default_org"));
    // Tables before invoices got their column; invoices and after did not.
    const done = await client.query<{ table: string }>(
      `SELECT c.relname AS table FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        WHERE a.attname = 'org_id' AND NOT a.attisdropped AND c.relkind = 'r' AND c.relname = ANY($1)`,
      [TENANT_TABLES.map((t) => t.name)],
    );
    const names = new Set(done.rows.map((r) => r.table));
    expect(names.has("client_users")).toBe(true);
    expect(names.has("invoices")).toBe(false);

    await blocker.query("ROLLBACK");
    expect(await withRunner(ctx(db.url), (r) => r.up("0035"))).toEqual(["0035_add_org_id_to_core_tables"]);
    await expectTenantEndState(client);
  });

  it("re-runs idempotently after a crash before it was recorded, rebuilding an invalid leftover index", async () => {
    // A crash after the index stage but before the migrator logged 0035, with one CREATE INDEX CONCURRENTLY
    // killed half-way: the index exists but is marked invalid.
    await client.query(`DELETE FROM mikro_orm_migrations WHERE name = '0035_add_org_id_to_core_tables'`);
    await client.query(`UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'bookings_org_id_status_idx'::regclass`);
    const before = await snapshotCatalog(client);

    expect(await withRunner(ctx(db.url), (r) => r.up("0035"))).toEqual(["0035_add_org_id_to_core_tables"]);
    const idx = await client.query<{ valid: boolean }>(
      `SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = 'bookings_org_id_status_idx'::regclass`,
    );
    expect(idx.rows).toEqual([{ valid: true }]);
    expect(await snapshotCatalog(client)).toEqual(before);
    await expectTenantEndState(client);
  });
});
