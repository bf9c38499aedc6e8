import { DEFAULT_ORG_ID, fillLegacyFixture, MIGRATION_NAMES } from "@cleanops/db";
import { checksumTables, createTestDatabase, snapshotCatalog, type CatalogSnapshot, type TestDatabase } from "@cleanops/db/testing";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "./cli-run.ts";

const SECOND_ORG = "6f1c1c5e-8d8e-4a38-9a57-3f0e2f0c9b11";

function columnsOf(snap: CatalogSnapshot): Record<string, string[]> {
  return Object.fromEntries(Object.entries(snap.columns).map(([t, cols]) => [t, cols.map((c) => c.name)]));
}

/** Everything a step could change: the catalog, every row of every table, and the migrations recorded. */
async function wholeState(client: pg.Client) {
  const catalog = await snapshotCatalog(client);
  const rows = await checksumTables(client, columnsOf(catalog));
  const migrations = (await client.query<{ name: string }>(`SELECT name FROM mikro_orm_migrations ORDER BY id`)).rows.map((r) => r.name);
  return { catalog, rows, migrations };
}

async function rowCounts(client: pg.Client): Promise<Record<string, number>> {
  const sums = await checksumTables(client, columnsOf(await snapshotCatalog(client)));
  return Object.fromEntries(Object.entries(sums).map(([t, s]) => [t, s.rows]));
}

/** "0038 down refused: ... (refresh_tokens: 2, invitations: 1). Restore ..." → { refresh_tokens: 2, invitations: 1 } */
function namedLosses(stderr: string): Record<string, number> {
  const list = /\(([^()]*)\)\. Restore a backup instead/.exec(stderr)?.[1];
  if (list === undefined) throw new Error(`no list of losses in: ${stderr}`);
  return Object.fromEntries(
    list.split(", ").map((entry) => {
      const [table, n] = entry.split(": ");
      return [table ?? "", Number(n)];
    }),
  );
}

const rollback = (url: string, ...flags: string[]) => runCli(["db:rollback", ...flags], { DATABASE_URL: url }).exited;

/** What a successful rollback of `name` prints: the step, then the verification of the version below it. */
const rolledBack = (name: string) =>
  `Rolled back ${name}.\nVerified: the schema is exactly that of ${MIGRATION_NAMES[MIGRATION_NAMES.indexOf(name) - 1]}.\n`;

// Up to thirty CLI processes per case: 20 s on an idle machine, over 200 s on a 2-core one under a load of 20, so the
// cases (and the set-up, which migrates in a process too) get a bound far above that, not a guess near it.
const ROOM_MS = 600_000;

describe("pnpm db:rollback from head down to 0033, one process per step, as an operator runs it", { timeout: ROOM_MS }, () => {
  let db: TestDatabase;
  let client: pg.Client;
  let legacy: Awaited<ReturnType<typeof wholeState>>;

  beforeEach(async () => {
    db = await createTestDatabase("legacy");
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await fillLegacyFixture(client, { bookings: 20, seed: 5 });
    legacy = await wholeState(client);
    const up = await runCli(["db:migrate"], { DATABASE_URL: db.url }).exited;
    expect(up.code, up.stderr).toBe(0);
  }, ROOM_MS);
  afterEach(async () => {
    await client.end();
    await db.drop();
  });

  it("with only the Default org's data, every step goes down without asking and ends at the exact legacy schema and rows", async () => {
    for (const name of MIGRATION_NAMES.slice(MIGRATION_NAMES.indexOf("0034_org_id_uuid_and_default_org")).reverse()) {
      const r = await rollback(db.url);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(rolledBack(name));
    }
    const end = await wholeState(client);
    expect(end.catalog).toEqual(legacy.catalog);
    expect(end.migrations).toEqual(legacy.migrations);
    expect(end.rows).toEqual(legacy.rows);
  });

  it("with a second org, staff and sessions: each lossy step refuses and changes nothing, then with --force-data-loss deletes exactly what it named", async () => {
    // A second company with business rows, staff in both orgs, sessions, an invitation and login attempts.
    await client.query(`INSERT INTO organizations (org_id, name, slug) VALUES ($1, 'Second Co', 'second-co')`, [SECOND_ORG]);
    await client.query(`INSERT INTO organization_billing (org_id, plan) VALUES ($1, 'pro')`, [SECOND_ORG]);
    await client.query(`INSERT INTO organization_usage_events (org_id, kind) VALUES ($1, 'booking_created'), ($1, 'sms_sent')`, [
      SECOND_ORG,
    ]);
    const c = await client.query<{ id: string }>(`INSERT INTO client_users (org_id, name) VALUES ($1, 'Their client') RETURNING id`, [
      SECOND_ORG,
    ]);
    await client.query(
      `INSERT INTO bookings (org_id, client_id, starts_at, duration_minutes, address, price_cents, currency)
       VALUES ($1, $2, now(), 120, '1 Main St', 12000, 'USD'), ($1, $2, now(), 60, '2 Main St', 6000, 'USD')`,
      [SECOND_ORG, c.rows[0]?.id],
    );
    // An archived client and a pending worker invitation: values 0040 down would drop with its columns.
    await client.query(`UPDATE client_users SET archived_at = now() WHERE org_id = $1`, [SECOND_ORG]);
    await client.query(
      `INSERT INTO workers (org_id, name, email, invite_token_hash, invite_expires_at) VALUES ($1, 'Wanda', 'wanda@second.test', repeat('d', 64), now() + interval '1 day')`,
      [SECOND_ORG],
    );
    await client.query(`INSERT INTO admin_audit_logs (org_id, action, entity_type) VALUES ($1, 'client.created', 'client_user')`, [
      SECOND_ORG,
    ]);
    const users = await client.query<{ id: string }>(
      `INSERT INTO users (email, name) VALUES ('olga@default.test', 'Olga'), ('sam@second.test', 'Sam') RETURNING id`,
    );
    const [olga, sam] = users.rows.map((u) => u.id);
    await client.query(`INSERT INTO memberships (org_id, user_id, role) VALUES ($1, $2, 'owner'), ($3, $4, 'owner'), ($3, $2, 'finance')`, [
      DEFAULT_ORG_ID,
      olga,
      SECOND_ORG,
      sam,
    ]);
    await client.query(
      `INSERT INTO refresh_tokens (user_id, org_id, family_id, token_hash, expires_at)
       VALUES ($1, $2, gen_random_uuid(), repeat('a', 64), now() + interval '1 day'),
              ($3, $4, gen_random_uuid(), repeat('b', 64), now() + interval '1 day')`,
      [olga, DEFAULT_ORG_ID, sam, SECOND_ORG],
    );
    await client.query(
      `INSERT INTO invitations (org_id, email, role, token_hash, expires_at) VALUES ($1, 'new@second.test', 'dispatcher', repeat('c', 64), now() + interval '7 days')`,
      [SECOND_ORG],
    );
    await client.query(
      `INSERT INTO login_attempts (email, ip, succeeded) VALUES ('olga@default.test', '10.0.0.1', false), ('sam@second.test', NULL, true), ('x@y.test', NULL, false)`,
    );

    const expectedLosses: Record<string, Record<string, number>> = {
      "0040_back_office_operations": { "client_users.archived_at": 1, "workers.invite_token_hash": 1 },
      "0038_auth_sessions_and_invitations": { refresh_tokens: 2, invitations: 1, login_attempts: 3 },
      "0035_add_org_id_to_core_tables": { client_users: 1, workers: 1, bookings: 2, admin_audit_logs: 1 },
      "0034_org_id_uuid_and_default_org": {
        organizations: 1,
        organization_billing: 1,
        organization_usage_events: 2,
        users: 2,
        memberships: 3,
      },
    };

    for (const name of MIGRATION_NAMES.slice(MIGRATION_NAMES.indexOf("0034_org_id_uuid_and_default_org")).reverse()) {
      const before = await wholeState(client);
      const first = await rollback(db.url);
      const expected = expectedLosses[name];
      if (expected === undefined) {
        // Schema only: nothing to lose, nothing to ask.
        expect(first.code, `${name}: ${first.stderr}`).toBe(0);
        expect(first.stdout).toBe(rolledBack(name));
        continue;
      }
      expect(first.code, `${name} must refuse: ${first.stdout}`).toBe(1);
      // stderr also carries the JSON log; the operator's line is the one "error:" line.
      const errors = first.stderr.split("\n").filter((l) => l.startsWith("error: "));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(new RegExp(`^error: ${name.slice(0, 4)} down refused: .*--force-data-loss`));
      expect(namedLosses(first.stderr), name).toEqual(expected);
      expect(await wholeState(client), `${name}: a refused step changes nothing`).toEqual(before);

      const countsBefore = await rowCounts(client);
      const forced = await rollback(db.url, "--force-data-loss");
      expect(forced.code, `${name}: ${forced.stderr}`).toBe(0);
      expect(forced.stdout).toBe(rolledBack(name));
      const countsAfter = await rowCounts(client);
      // Exactly the named rows are gone: a dropped table lost all its rows, a kept one exactly the count named.
      const lost = Object.fromEntries(
        Object.entries(countsBefore)
          .map(([t, n]) => [t, n - (countsAfter[t] ?? 0)] as const)
          .filter(([, n]) => n !== 0),
      );
      // ("table.column" entries are values of a dropped column: their rows stay.)
      expect(lost, `${name}: rows deleted`).toEqual(Object.fromEntries(Object.entries(expected).filter(([k]) => !k.includes("."))));
    }

    // The Default org's rows came through untouched: the legacy schema with exactly the legacy rows and values.
    const end = await wholeState(client);
    expect(end.catalog).toEqual(legacy.catalog);
    expect(end.migrations).toEqual(legacy.migrations);
    expect(end.rows).toEqual(legacy.rows);
  });
});
