import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fillLegacyFixture } from "../src/fixture/legacy-fixture.ts";
import { createLogger } from "../src/logger.ts";
import { MigrationRunner } from "../src/migrations/migrator.ts";
import { ORG_SCOPED_REFERENCES, orgFkName } from "../src/migrations/0036-org-scoped-references.ts";
import { TENANT_TABLES } from "../src/migrations/tenant-tables.ts";
import { asAppRole, createTestDatabase, snapshotCatalog, UNSCOPED_ON_PURPOSE, type TestDatabase } from "../src/testing/index.ts";

// Statements below that omit org_id do so on purpose: they show what the database refuses or hides.
const U = UNSCOPED_ON_PURPOSE;

const ORG_A = "0b5f7d2e-6a1c-4a57-8f0e-2d9c1b3a4e51";
const ORG_B = "7c2e9a14-3b5d-4f68-9a1c-5e8d2f4b6a73";

async function connect(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  return c;
}

/** Two orgs, each with a client, a team and a booking: written as the owner, who sees every org. */
async function seedTwoOrgs(owner: pg.Client): Promise<Record<"A" | "B", { client: string; team: string; booking: string }>> {
  const out = {} as Record<"A" | "B", { client: string; team: string; booking: string }>;
  for (const [key, org] of [
    ["A", ORG_A],
    ["B", ORG_B],
  ] as const) {
    await owner.query(`INSERT INTO organizations (org_id, name, slug) VALUES ($1, $2, $3)`, [
      org,
      `Org ${key}`,
      `org-${key.toLowerCase()}`,
    ]);
    const client = await owner.query<{ id: string }>(`INSERT INTO client_users (org_id, name) VALUES ($1, 'C') RETURNING id`, [org]);
    const team = await owner.query<{ id: string }>(`INSERT INTO teams (org_id, name) VALUES ($1, 'T') RETURNING id`, [org]);
    const booking = await owner.query<{ id: string }>(
      `INSERT INTO bookings (org_id, client_id, team_id, starts_at, duration_minutes, address, price_cents, currency)
       VALUES ($1, $2, $3, now(), 60, 'x', 1000, 'USD') RETURNING id`,
      [org, client.rows[0]?.id, team.rows[0]?.id],
    );
    out[key] = { client: client.rows[0]?.id ?? "", team: team.rows[0]?.id ?? "", booking: booking.rows[0]?.id ?? "" };
  }
  return out;
}

describe("the database as the last guard", () => {
  let db: TestDatabase;
  let owner: pg.Client;
  let app: pg.Client;
  let rows: Awaited<ReturnType<typeof seedTwoOrgs>>;

  beforeAll(async () => {
    db = await createTestDatabase("head");
    owner = await connect(db.url);
    app = await connect(asAppRole(db.url));
    rows = await seedTwoOrgs(owner);
  });
  afterAll(async () => {
    await app.end();
    await owner.end();
    await db.drop();
  });

  /** Each refused statement runs behind a savepoint, so the transaction survives for the next check. */
  async function refused(sql: string, params: unknown[], code: string): Promise<void> {
    await app.query("SAVEPOINT attempt");
    await expect(app.query(sql, params)).rejects.toMatchObject({ code });
    await app.query("ROLLBACK TO SAVEPOINT attempt");
  }

  async function asOrg<T>(org: string | null, work: () => Promise<T>): Promise<T> {
    await app.query("BEGIN");
    try {
      if (org) await app.query(`SELECT set_config('app.current_org', $1, true)`, [org]);
      return await work();
    } finally {
      await app.query("ROLLBACK");
    }
  }

  it("refuses a reference to another org's row, whoever writes it", async () => {
    await expect(
      owner.query(
        `INSERT INTO bookings (org_id, client_id, starts_at, duration_minutes, address, price_cents, currency)
         VALUES ($1, $2, now(), 60, 'x', 1000, 'USD')`,
        [ORG_A, rows.B.client],
      ),
    ).rejects.toMatchObject({ code: "23503", constraint: "bookings_org_id_client_id_fkey" });
    await expect(owner.query(`UPDATE bookings SET team_id = $1 WHERE id = $2`, [rows.B.team, rows.A.booking])).rejects.toMatchObject({
      code: "23503",
      constraint: "bookings_org_id_team_id_fkey",
    });
  });

  it("turns every reference between business tables into (org_id, id), keeping SET NULL to the reference alone", async () => {
    const fks = await owner.query<{ name: string; def: string }>(
      `SELECT conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE contype = 'f' AND conname = ANY($1)`,
      [ORG_SCOPED_REFERENCES.map(orgFkName)],
    );
    expect(fks.rows).toHaveLength(ORG_SCOPED_REFERENCES.length);
    for (const r of ORG_SCOPED_REFERENCES) {
      const def = fks.rows.find((f) => f.name === orgFkName(r))?.def;
      expect(def, orgFkName(r)).toContain(`FOREIGN KEY (org_id, ${r.column}) REFERENCES ${r.parent}(org_id, id)`);
    }
    const single = await owner.query(
      `SELECT conname FROM pg_constraint c WHERE contype = 'f' AND array_length(conkey, 1) = 1
          AND confrelid::regclass::text = ANY($1)`,
      [TENANT_TABLES.map((t) => t.name)],
    );
    expect(single.rows, "no single-column reference to a business table remains").toEqual([]);

    await owner.query("BEGIN");
    await owner.query(`DELETE FROM teams WHERE id = $1`, [rows.A.team]);
    const b = await owner.query(`SELECT org_id, team_id FROM bookings WHERE id = $1`, [rows.A.booking]);
    expect(b.rows).toEqual([{ org_id: ORG_A, team_id: null }]);
    await owner.query("ROLLBACK");
  });

  it("shows the app role nothing, and lets it write nothing, without an org in the transaction", async () => {
    await asOrg(null, async () => {
      const n = await app.query<{ n: number }>(`${U} SELECT count(*)::int AS n FROM bookings`);
      expect(n.rows[0]?.n).toBe(0);
      await expect(app.query(`INSERT INTO teams (org_id, name) VALUES ($1, 'sneaky')`, [ORG_A])).rejects.toMatchObject({ code: "42501" });
    });
  });

  it("scopes reads, updates, deletes and inserts of the app role to the org in app.current_org", async () => {
    await asOrg(ORG_A, async () => {
      const seen = await app.query<{ org_id: string }>(`${U} SELECT DISTINCT org_id FROM bookings`);
      expect(seen.rows).toEqual([{ org_id: ORG_A }]);
      const upd = await app.query(`${U} UPDATE bookings SET notes = 'hacked' WHERE id = $1`, [rows.B.booking]);
      expect(upd.rowCount).toBe(0);
      const del = await app.query(`${U} DELETE FROM bookings WHERE id = $1`, [rows.B.booking]);
      expect(del.rowCount).toBe(0);
      await refused(`INSERT INTO teams (org_id, name) VALUES ($1, 'planted')`, [ORG_B], "42501");
      await refused(`UPDATE bookings SET org_id = $1 WHERE id = $2`, [ORG_B, rows.A.booking], "42501");
    });
    const b = await owner.query(`SELECT notes FROM bookings WHERE id = $1`, [rows.B.booking]);
    expect(b.rows).toEqual([{ notes: null }]);
  });

  it("keeps the ledgers append-only and the role unable to switch row security off", async () => {
    await asOrg(ORG_A, async () => {
      await app.query(`INSERT INTO admin_audit_logs (org_id, action, entity_type) VALUES ($1, 'x', 'y')`, [ORG_A]);
      await refused(`DELETE FROM admin_audit_logs WHERE org_id = $1`, [ORG_A], "42501");
      await app.query(`SET LOCAL row_security = off`);
      await expect(app.query(`${U} SELECT count(*) FROM bookings`)).rejects.toMatchObject({ code: "42501" });
    });
  });
});

describe("0036 and 0037 on a filled database, down and up again", () => {
  let db: TestDatabase;
  let client: pg.Client;
  const logger = createLogger("silent");

  beforeAll(async () => {
    db = await createTestDatabase("legacy");
    client = await connect(db.url);
    await fillLegacyFixture(client, { bookings: 300, seed: 5 });
  });
  afterAll(async () => {
    await client.end();
    await db.drop();
  });

  it("applies over real rows, rolls back to the exact 0035 schema, and applies again to the same head", async () => {
    const ctx = { connectionString: db.url, logger, lockTimeoutMs: 2_000, lockRetries: 5, forceDataLoss: false };
    const runner = await MigrationRunner.open(ctx);
    try {
      await runner.up("0035");
      const at35 = await snapshotCatalog(client);
      expect(await runner.up("0037")).toEqual(["0036_org_scoped_references", "0037_row_level_security"]);
      const head = await snapshotCatalog(client);
      expect(await runner.downOne()).toEqual(["0037_row_level_security"]);
      expect(await runner.downOne()).toEqual(["0036_org_scoped_references"]);
      expect(await snapshotCatalog(client)).toEqual(at35);
      await runner.up("0037");
      expect(await snapshotCatalog(client)).toEqual(head);
    } finally {
      await runner.close();
    }
  });
});
