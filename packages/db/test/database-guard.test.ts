import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fillLegacyFixture } from "../src/fixture/legacy-fixture.ts";
import { createLogger } from "../src/logger.ts";
import { MigrationRunner } from "../src/migrations/migrator.ts";
import { ORG_SCOPED_REFERENCES, orgFkName } from "../src/migrations/0036-org-scoped-references.ts";
import { PLATFORM_FUNCTION_NAMES } from "../src/migrations/0052-platform-row-level-security.ts";
import { CACHED_PLAN_LOOKUPS } from "../src/migrations/0053-cached-lookup-plans.ts";
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

/** Org A or B, written as the owner (who sees every org). */
async function insertOrg(owner: pg.Client, key: "A" | "B", org: string): Promise<void> {
  await owner.query(`INSERT INTO organizations (org_id, name, slug) VALUES ($1, $2, $3)`, [org, `Org ${key}`, `org-${key.toLowerCase()}`]);
}

/** Two orgs, each with a client, a team and a booking: written as the owner, who sees every org. */
async function seedTwoOrgs(owner: pg.Client): Promise<Record<"A" | "B", { client: string; team: string; booking: string }>> {
  const out = {} as Record<"A" | "B", { client: string; team: string; booking: string }>;
  for (const [key, org] of [
    ["A", ORG_A],
    ["B", ORG_B],
  ] as const) {
    await insertOrg(owner, key, org);
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

describe("the platform tables behind the guard (0052)", () => {
  let db: TestDatabase;
  let owner: pg.Client;
  let app: pg.Client;
  const users = { A: "", B: "" };
  const members = { A: "", B: "" };

  beforeAll(async () => {
    db = await createTestDatabase("head");
    owner = await connect(db.url);
    app = await connect(asAppRole(db.url));
    for (const [key, org] of [
      ["A", ORG_A],
      ["B", ORG_B],
    ] as const) {
      await insertOrg(owner, key, org);
      const u = await owner.query<{ id: string }>(
        `INSERT INTO users (email, password_hash, email_verified_at) VALUES ($1, $2, now()) RETURNING id`,
        [`owner-${key.toLowerCase()}@example.test`, `$argon2id$hash-of-${key}`],
      );
      users[key] = u.rows[0]?.id ?? "";
      const m = await owner.query<{ id: string }>(`INSERT INTO memberships (org_id, user_id, role) VALUES ($1, $2, 'owner') RETURNING id`, [
        org,
        users[key],
      ]);
      members[key] = m.rows[0]?.id ?? "";
      await owner.query(
        `INSERT INTO refresh_tokens (user_id, org_id, family_id, token_hash, expires_at)
         VALUES ($1, $2, gen_random_uuid(), $3, now() + interval '1 day')`,
        [users[key], org, key.toLowerCase().repeat(64)],
      );
      await owner.query(
        `INSERT INTO account_tokens (user_id, purpose, email, token_hash, expires_at)
         VALUES ($1, 'password_reset', $2, $3, now() + interval '1 hour')`,
        [users[key], `owner-${key.toLowerCase()}@example.test`, (key === "A" ? "c" : "d").repeat(64)],
      );
      await owner.query(
        `INSERT INTO mail_outbox (org_id, kind, to_address, subject, text_body) VALUES ($1, 'invitation', 'x@example.test', 's', 'link')`,
        [org],
      );
    }
    await owner.query(
      `INSERT INTO mail_outbox (kind, to_address, subject, text_body) VALUES ('password_reset', 'owner-b@example.test', 's', 'reset link')`,
    );
    await owner.query(`INSERT INTO login_attempts (email, ip, succeeded) VALUES ('owner-a@example.test', '10.0.0.1', false)`);
  });
  afterAll(async () => {
    await app.end();
    await owner.end();
    await db.drop();
  });

  async function refused(sql: string, params: unknown[], code = "42501"): Promise<void> {
    await app.query("SAVEPOINT attempt");
    await expect(app.query(sql, params)).rejects.toMatchObject({ code });
    await app.query("ROLLBACK TO SAVEPOINT attempt");
  }

  /** A transaction of the app role with the given settings (none, an org, a user, or both). */
  async function as<T>(scope: { org?: string; user?: string }, work: () => Promise<T>): Promise<T> {
    await app.query("BEGIN");
    try {
      if (scope.org) await app.query(`SELECT set_config('app.current_org', $1, true)`, [scope.org]);
      if (scope.user) await app.query(`SELECT set_config('app.current_user', $1, true)`, [scope.user]);
      return await work();
    } finally {
      await app.query("ROLLBACK");
    }
  }

  const count = async (sql: string, params: unknown[] = []) => (await app.query<{ n: number }>(sql, params)).rows[0]?.n;

  it("lets the app role read no password hash, whatever the settings", async () => {
    for (const scope of [{}, { org: ORG_A }, { org: ORG_A, user: users.A }]) {
      await as(scope, async () => {
        await refused(`${U} SELECT password_hash FROM users`, []);
        await refused(`${U} SELECT * FROM users WHERE id = $1`, [users.A]);
        await refused(`${U} SELECT count(*) FROM users WHERE password_hash LIKE '$argon2id$%'`, []);
      });
    }
  });

  it("shows no user, membership, org, refresh token or account token without settings", async () => {
    await as({}, async () => {
      for (const table of ["users", "memberships", "organizations", "refresh_tokens", "account_tokens", "invitations", "mail_outbox"]) {
        const id = table === "organizations" ? "org_id" : "id";
        expect(await count(`${U} SELECT count(${id})::int AS n FROM ${table}`), table).toBe(0);
      }
    });
  });

  it("shows only the current user's refresh and account tokens, never another user's, in any org", async () => {
    await as({ org: ORG_A }, async () => {
      expect(await count(`${U} SELECT count(*)::int AS n FROM refresh_tokens`)).toBe(0);
      expect(await count(`${U} SELECT count(*)::int AS n FROM account_tokens`)).toBe(0);
      expect((await app.query(`${U} UPDATE refresh_tokens SET revoked_at = now()`)).rowCount).toBe(0);
    });
    await as({ org: ORG_A, user: users.A }, async () => {
      const mine = await app.query<{ user_id: string }>(`${U} SELECT DISTINCT user_id FROM refresh_tokens`);
      expect(mine.rows).toEqual([{ user_id: users.A }]);
      const links = await app.query<{ user_id: string }>(`${U} SELECT DISTINCT user_id FROM account_tokens`);
      expect(links.rows).toEqual([{ user_id: users.A }]);
      expect((await app.query(`UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1`, [users.B])).rowCount).toBe(0);
      await refused(
        `INSERT INTO refresh_tokens (user_id, org_id, family_id, token_hash, expires_at) VALUES ($1, $2, gen_random_uuid(), $3, now())`,
        [users.B, ORG_A, "e".repeat(64)],
      );
    });
  });

  it("refuses to make anyone a member or owner of another org, or to change another org's status", async () => {
    for (const scope of [{}, { org: ORG_A }, { org: ORG_A, user: users.A }]) {
      await as(scope, async () => {
        await refused(`INSERT INTO memberships (org_id, user_id, role) VALUES ($1, $2, 'owner')`, [ORG_B, users.A]);
        const promote = await app.query(`UPDATE memberships SET role = 'owner', revoked_at = NULL WHERE org_id = $1`, [ORG_B]);
        expect(promote.rowCount).toBe(0);
        const suspend = await app.query(`UPDATE organizations SET status = 'suspended' WHERE org_id = $1`, [ORG_B]);
        expect(suspend.rowCount).toBe(0);
        await refused(
          `INSERT INTO invitations (org_id, email, role, token_hash, expires_at) VALUES ($1, 'x@example.test', 'owner', $2, now())`,
          [ORG_B, "f".repeat(64)],
        );
      });
    }
    // The own membership in org B is visible to user A (the org picker) but not writable from org A.
    await as({ org: ORG_A, user: users.A }, async () => {
      await refused(`UPDATE memberships SET org_id = $1 WHERE id = $2`, [ORG_B, members.A]);
      expect(await count(`${U} SELECT count(*)::int AS n FROM organizations`)).toBe(1);
    });
    const b = await owner.query(`SELECT status FROM organizations WHERE org_id = $1`, [ORG_B]);
    expect(b.rows).toEqual([{ status: "active" }]);
  });

  it("shows users only as the current user or as members of the current org", async () => {
    await as({ org: ORG_A }, async () => {
      const seen = await app.query<{ id: string }>(`${U} SELECT id FROM users`);
      expect(seen.rows).toEqual([{ id: users.A }]);
      expect((await app.query(`UPDATE users SET disabled_at = now() WHERE id = $1`, [users.A])).rowCount).toBe(0);
    });
    await as({ user: users.B }, async () => {
      expect((await app.query(`UPDATE users SET name = 'me' WHERE id = $1`, [users.B])).rowCount).toBe(1);
      expect((await app.query(`UPDATE users SET name = 'you' WHERE id = $1`, [users.A])).rowCount).toBe(0);
    });
  });

  it("keeps login attempts out of the app role's reach: no read, insert, update or delete", async () => {
    for (const scope of [{}, { org: ORG_A }]) {
      await as(scope, async () => {
        await refused(`${U} SELECT count(*) FROM login_attempts`, []);
        await refused(`INSERT INTO login_attempts (email, succeeded) VALUES ('owner-a@example.test', true)`, []);
        await refused(`${U} DELETE FROM login_attempts`, []);
        await refused(`${U} UPDATE login_attempts SET succeeded = true`, []);
      });
    }
    const n = await owner.query<{ n: number }>(`SELECT count(*)::int AS n FROM login_attempts`);
    expect(n.rows[0]?.n).toBe(1);
  });

  it("lets the app role queue mail but not read, change or delete the outbox", async () => {
    await as({}, async () => {
      expect(await count(`${U} SELECT count(*)::int AS n FROM mail_outbox`)).toBe(0);
      await refused(`${U} UPDATE mail_outbox SET sent_at = now()`, []);
      await refused(`${U} DELETE FROM mail_outbox`, []);
    });
    await as({ org: ORG_A, user: users.A }, async () => {
      const seen = await app.query<{ org_id: string | null }>(`${U} SELECT org_id FROM mail_outbox`);
      expect(seen.rows).toEqual([{ org_id: ORG_A }]);
      await refused(`INSERT INTO mail_outbox (kind, to_address, subject, text_body) VALUES ('x', 'owner-b@example.test', 's', 't')`, []);
      await app.query(`INSERT INTO mail_outbox (kind, to_address, subject, text_body) VALUES ('x', 'owner-a@example.test', 's', 't')`);
    });
  });

  it("answers only narrow questions through SECURITY DEFINER functions with a pinned search_path", async () => {
    const fns = await owner.query<{ name: string; secdef: boolean; config: string[] | null; public_exec: boolean; app_exec: boolean }>(
      `SELECT p.proname AS name, p.prosecdef AS secdef, p.proconfig AS config,
              has_function_privilege('public', p.oid, 'EXECUTE') AS public_exec,
              has_function_privilege('cleanops_app', p.oid, 'EXECUTE') AS app_exec
         FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace AND p.proname = ANY($1)`,
      [PLATFORM_FUNCTION_NAMES],
    );
    expect(fns.rows.map((f) => f.name).sort()).toEqual([...PLATFORM_FUNCTION_NAMES].sort());
    for (const f of fns.rows) {
      expect(f, f.name).toMatchObject({ secdef: true, config: ["search_path=pg_catalog, public"], app_exec: true });
    }
    await as({}, async () => {
      const one = await app.query(`SELECT id, password_hash FROM find_account_by_email($1)`, ["owner-a@example.test"]);
      expect(one.rows).toEqual([{ id: users.A, password_hash: "$argon2id$hash-of-A" }]);
      for (const pattern of ["%", "owner-%@example.test", "OWNER-A@EXAMPLE.TEST", ""]) {
        expect((await app.query(`SELECT * FROM find_account_by_email($1)`, [pattern])).rows, pattern).toEqual([]);
      }
      expect((await app.query(`SELECT * FROM find_refresh_token($1)`, ["%"])).rows).toEqual([]);
      expect((await app.query(`SELECT * FROM find_account_token($1, 'password_reset')`, ["c".repeat(64)])).rows).toEqual([
        { id: expect.any(String), user_id: users.A },
      ]);
      expect((await app.query(`SELECT * FROM find_account_token($1, 'verify_email')`, ["c".repeat(64)])).rows).toEqual([]);
      // A throttle count is about one key and one client; a prune never reaches past the retention, whatever time it is given.
      const state = await app.query(
        `SELECT pair_failures FROM login_throttle_state($1, '10.0.0.1', now() - interval '1 hour', now() - interval '1 day', now() - interval '30 days', 10, 100, 30)`,
        ["owner-a@example.test"],
      );
      expect(state.rows).toEqual([{ pair_failures: 1 }]);
      await app.query(`SELECT login_attempts_prune($1, '10.0.0.1', now() + interval '10 years')`, ["owner-a@example.test"]);
      await app.query(`SELECT client_action_prune($1, '10.0.0.1', now() + interval '10 years')`, ["owner-a@example.test"]);
      // The demo's mail page shows only mail delivered to the console (never pending mail, such as B's reset link).
      expect((await app.query(`SELECT * FROM dev_recent_mails(50)`)).rows).toEqual([]);
    });
    expect((await owner.query<{ n: number }>(`SELECT count(*)::int AS n FROM login_attempts`)).rows[0]?.n).toBe(1);
    // An admin of org A ends sessions in org A only: B's token stays live.
    await as({ org: ORG_A }, async () => {
      expect((await app.query<{ n: number }>(`SELECT revoke_member_sessions($1, now()) AS n`, [users.B])).rows).toEqual([{ n: 0 }]);
    });
  });
});

describe("0052 and 0053 down and up again", () => {
  let db: TestDatabase;
  let client: pg.Client;
  const logger = createLogger("silent");

  beforeAll(async () => {
    db = await createTestDatabase("legacy");
    client = await connect(db.url);
  });
  afterAll(async () => {
    await client.end();
    await db.drop();
  });

  it("rolls back to the exact 0051 catalog (grants included) and applies again to the same state", async () => {
    const ctx = { connectionString: db.url, logger, lockTimeoutMs: 2_000, lockRetries: 5, forceDataLoss: false };
    const runner = await MigrationRunner.open(ctx);
    const columnGrants = async () =>
      (
        await client.query<{ col: string; acl: string }>(
          `SELECT attname AS col, attacl::text AS acl FROM pg_attribute WHERE attrelid = 'users'::regclass AND attacl IS NOT NULL ORDER BY 1`,
        )
      ).rows;
    try {
      await runner.up("0051");
      const at51 = await snapshotCatalog(client);
      const cols51 = await columnGrants();
      expect(await runner.up("0052")).toEqual(["0052_platform_row_level_security"]);
      const at52 = await snapshotCatalog(client);
      expect(await runner.downOne()).toEqual(["0052_platform_row_level_security"]);
      expect(await snapshotCatalog(client)).toEqual(at51);
      expect(await columnGrants()).toEqual(cols51);
      await runner.up("0052");
      expect(await snapshotCatalog(client)).toEqual(at52);
    } finally {
      await runner.close();
    }
  });

  const languages = async () =>
    (
      await client.query<{ name: string; language: string; secdef: boolean; config: string[] | null }>(
        `SELECT p.proname AS name, l.lanname AS language, p.prosecdef AS secdef, p.proconfig AS config
           FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
          WHERE p.pronamespace = 'public'::regnamespace AND p.proname = ANY($1) ORDER BY 1`,
        [CACHED_PLAN_LOOKUPS.map((f) => f.signature.slice(0, f.signature.indexOf("(")))],
      )
    ).rows;

  it("turns the two per-request lookups into PL/pgSQL (same owner, grants, search_path) and rolls back to the exact 0052 catalog", async () => {
    const ctx = { connectionString: db.url, logger, lockTimeoutMs: 2_000, lockRetries: 5, forceDataLoss: false };
    const runner = await MigrationRunner.open(ctx);
    const pinned = { secdef: true, config: ["search_path=pg_catalog, public"] };
    try {
      await runner.up("0052");
      const at52 = await snapshotCatalog(client);
      expect(await languages()).toEqual([
        { name: "find_live_membership", language: "sql", ...pinned },
        { name: "resolve_invoice_public_token", language: "sql", ...pinned },
      ]);
      expect(await runner.up("0053")).toEqual(["0053_cached_lookup_plans"]);
      const at53 = await snapshotCatalog(client);
      expect(await languages()).toEqual([
        { name: "find_live_membership", language: "plpgsql", ...pinned },
        { name: "resolve_invoice_public_token", language: "plpgsql", ...pinned },
      ]);
      // Only the two definitions changed: the grants (and everything else) are 0052's.
      const changed = Object.keys(at53.functions).filter((f) => JSON.stringify(at53.functions[f]) !== JSON.stringify(at52.functions[f]));
      expect(changed.sort()).toEqual(["find_live_membership(uuid,uuid)", "resolve_invoice_public_token(text)"]);
      expect({ ...at53, functions: {} }).toEqual({ ...at52, functions: {} });
      expect(await runner.downOne()).toEqual(["0053_cached_lookup_plans"]);
      expect(await snapshotCatalog(client)).toEqual(at52);
      await runner.up("0053");
      expect(await snapshotCatalog(client)).toEqual(at53);
    } finally {
      await runner.close();
    }
  });
});
