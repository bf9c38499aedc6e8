import type { MikroORM } from "@mikro-orm/postgresql";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Booking } from "../src/entities/index.ts";
import { TenantError } from "../src/tenancy/tenant-errors.ts";
import { orgEntityManager, userEntityManager, withOrg, withUser } from "../src/tenancy/with-org.ts";
import { createPgPool } from "../src/postgres/pool.ts";
import { asAppRole, openTenantHarness, type TenantHarness } from "../src/testing/index.ts";
import { recording } from "../src/testing/sql-recorder.ts";

const A = "4a1d7c2e-5b3f-4d68-9e0a-1c2b3d4e5f60";
const B = "9b2e8d3f-6c4a-4e79-8f1b-2d3c4e5f6a71";

/** What the app role sent during `work`, as pg received it (one entry per message). */
async function sentDuring(work: () => Promise<unknown>): Promise<string[]> {
  const from = recording.statements.length;
  await work();
  return recording.statements.slice(from).map((s) => s.sql.trim().toLowerCase());
}

describe("BEGIN and the org's set_config go to PostgreSQL as one message, ahead of the first statement", () => {
  let h: TenantHarness;
  let orm: MikroORM;
  let owner: pg.Client;

  beforeAll(async () => {
    h = await openTenantHarness({ poolMax: 2 });
    ({ orm, owner } = h);
    await h.seedOrg(A, "begin-a", 1);
    await h.seedOrg(B, "begin-b", 1);
  });
  afterAll(() => h.close());

  it("withOrg: begin + set_config, the statements, commit; row-level security sees the org", async () => {
    let seen: string | undefined;
    const sent = await sentDuring(() =>
      withOrg(orm, A, async (em) => {
        const rows = await em.execute<{ org: string }[]>(`select current_setting('app.current_org') as org`);
        seen = rows[0]?.org;
        return em.find(Booking, {});
      }),
    );
    expect(seen).toBe(A);
    expect(sent[0]).toBe(`begin; select set_config('app.current_org', '${A}', true)`);
    expect(sent.at(-1)).toBe("commit");
    expect(sent.filter((s) => s.includes("set_config"))).toHaveLength(1);
  });

  it("asynchronousCommit: synchronous_commit is off in that transaction only, set in the same message; the write commits", async () => {
    // `source` tells a value set in this session (set_config) from the server's own, whatever the server's default
    // (the test server runs with synchronous_commit off already).
    const setting = async (em: { execute: (sql: string) => Promise<unknown[]> }) =>
      (await em.execute(`select setting, source from pg_settings where name = 'synchronous_commit'`))[0];
    let inside: unknown;
    const sent = await sentDuring(() =>
      withOrg(
        orm,
        A,
        async (em) => {
          inside = await setting(em);
          await em.execute(`update bookings set notes = 'async' where org_id = '${A}'`);
        },
        { asynchronousCommit: true },
      ),
    );
    expect(inside).toEqual({ setting: "off", source: "session" });
    expect(sent[0]).toBe(`begin; select set_config('app.current_org', '${A}', true), set_config('synchronous_commit', 'off', true)`);
    // Both connections of the pool afterwards, in an ordinary withOrg: the server's own setting again.
    const after = await Promise.all([A, B].map((org) => withOrg(orm, org, (em) => setting(em))));
    expect(after.map((a) => (a as { source: string }).source)).not.toContain("session");
    const written = await owner.query<{ org_id: string; n: number }>(
      `SELECT org_id, count(*)::int AS n FROM bookings WHERE notes = 'async' GROUP BY org_id`,
    );
    expect(written.rows).toEqual([{ org_id: A, n: 1 }]);
  });

  it("createPgPool's asynchronousCommit: every connection of that pool has synchronous_commit off, another pool not", async () => {
    const asyncPool = createPgPool(asAppRole(h.db.url), { max: 2, asynchronousCommit: true });
    const plainPool = createPgPool(asAppRole(h.db.url), { max: 1 });
    try {
      const setting = `select setting, source from pg_settings where name = 'synchronous_commit'`;
      const fromAsync = await Promise.all([1, 2].map(async () => (await asyncPool.query(setting)).rows[0] as unknown));
      expect(fromAsync).toEqual([
        { setting: "off", source: "client" },
        { setting: "off", source: "client" },
      ]);
      expect(((await plainPool.query(setting)).rows[0] as { source: string }).source).not.toBe("client");
    } finally {
      await Promise.all([asyncPool.end(), plainPool.end()]);
    }
  });

  it("a query outside a transaction on an org-bound em is wrapped the same way", async () => {
    const em = orgEntityManager(orm, B);
    let orgs: string[] = [];
    const sent = await sentDuring(async () => {
      orgs = (await em.find(Booking, {})).map((b) => b.orgId);
    });
    expect(orgs).toEqual([B]);
    expect(sent).toHaveLength(3);
    expect(sent[0]).toBe(`begin; select set_config('app.current_org', '${B}', true)`);
  });

  it("a failing transaction rolls back and returns its connection: the next one on a pool of two still runs", async () => {
    for (let i = 0; i < 4; i++) {
      await expect(
        withOrg(orm, A, async (em) => {
          await em.find(Booking, {});
          throw new Error("boom");
        }),
      ).rejects.toThrow("boom");
    }
    const counts = await Promise.all([A, B, A].map((org) => withOrg(orm, org, (em) => em.count(Booking, {}))));
    expect(counts).toEqual([1, 1, 1]);
  });

  it("the statement sent right behind a failing BEGIN + set_config yields no result; the connection is rolled back and reused", async () => {
    for (let i = 0; i < 3; i++) {
      const em = orgEntityManager(orm, A);
      // Not a valid setting name: set_config fails after BEGIN, while the statement behind it is already on its way.
      em.setSessionContext({ variables: { "no dot": "x" } });
      const from = recording.statements.length;
      await expect(em.transactional((tx) => tx.find(Booking, {}))).rejects.toThrow(/no dot|unrecognized configuration parameter/);
      const sent = recording.statements.slice(from).map((s) => s.sql.trim().toLowerCase());
      expect(sent[0]).toMatch(/^begin; select set_config\(.*set_config\('no dot', 'x', true\)$/);
      expect(sent.length).toBeGreaterThanOrEqual(3);
      expect(sent.at(-1)).toBe("rollback");
      expect(sent).not.toContain("commit");
    }
    const counts = await Promise.all([A, B].map((org) => withOrg(orm, org, (em) => em.count(Booking, {}))));
    expect(counts).toEqual([1, 1]);
  });

  it("a nested transaction is a savepoint and keeps the org", async () => {
    await withOrg(orm, A, async (em) => {
      await em.transactional(async (inner) => {
        const rows = await inner.execute<{ org: string }[]>(`select current_setting('app.current_org', true) as org`);
        expect(rows[0]?.org).toBe(A);
      });
    });
  });

  it("withUser: begin + the user's and the org's set_config in one round trip; the platform tables show that user", async () => {
    const user = "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f";
    await owner.query(`INSERT INTO users (id, email) VALUES ($1, 'scoped-begin@example.test') ON CONFLICT DO NOTHING`, [user]);
    let seen: Array<{ id: string }> = [];
    const sent = await sentDuring(() =>
      withUser(orm, { userId: user, orgId: A }, async (em) => {
        seen = await em.execute<{ id: string }[]>(`select id from users`);
      }),
    );
    expect(seen).toEqual([{ id: user }]);
    expect(sent[0]).toBe(`begin; select set_config('app.current_user', '${user}', true), set_config('app.current_org', '${A}', true)`);
    expect(sent).toHaveLength(3);
    expect(() => userEntityManager(orm, "not-a-user")).toThrow(TenantError);
  });
});
