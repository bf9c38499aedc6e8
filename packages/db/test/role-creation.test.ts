import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createRolesSql } from "../src/tenancy/database-roles.ts";
import { createTestDatabase, type TestDatabase } from "../src/testing/index.ts";

/**
 * Several migrators on one fresh server (each package's test setup, say) run 0037's role creation at once. Roles are
 * cluster-wide, so the race is across databases too. Fresh role names stand in for a fresh server.
 */
describe("0037 role creation, concurrently on one server", () => {
  const suffix = randomBytes(4).toString("hex");
  const roles = { app: `t_app_${suffix}`, platform: `t_platform_${suffix}` };
  const dbs: TestDatabase[] = [];
  const clients: pg.Client[] = [];

  beforeAll(async () => {
    dbs.push(await createTestDatabase("empty"), await createTestDatabase("empty"));
    for (const db of dbs) {
      for (let i = 0; i < 3; i++) {
        const c = new pg.Client({ connectionString: db.url });
        await c.connect();
        clients.push(c);
      }
    }
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end()));
    const admin = new pg.Client({ connectionString: dbs[0]?.url });
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS ${roles.app}`);
    await admin.query(`DROP ROLE IF EXISTS ${roles.platform}`);
    await admin.end();
    await Promise.all(dbs.map((db) => db.drop()));
  });

  it("every transaction succeeds and the roles exist once, whichever database created them first", async () => {
    const [first, ...others] = clients;
    if (!first) throw new Error("no client");
    const sql = createRolesSql(roles);
    // The first creator holds its transaction open, so every other one is certain to run into its uncommitted roles:
    // on the same database behind the advisory lock, on the other one against pg_authid's unique key.
    await first.query("BEGIN");
    await first.query(sql);
    const pids = await Promise.all(
      others.map(async (c) => (await c.query<{ pid: number }>(`SELECT pg_backend_pid() AS pid`)).rows[0]?.pid),
    );
    const runs = others.map(async (c) => {
      await c.query("BEGIN");
      try {
        await c.query(sql);
        await c.query("COMMIT");
      } catch (err) {
        await c.query("ROLLBACK");
        throw err;
      }
    });
    const settled = Promise.allSettled(runs);
    await vi.waitFor(
      async () => {
        const waiting = await first.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = ANY($1::int[]) AND wait_event_type = 'Lock'`,
          [pids],
        );
        expect(waiting.rows[0]?.n).toBe(others.length);
      },
      { timeout: 20_000, interval: 20 },
    );
    await first.query("COMMIT");
    const results = await settled;
    expect(results.map((r) => (r.status === "rejected" ? String(r.reason) : "ok"))).toEqual(others.map(() => "ok"));

    const found = await first.query<{ rolname: string; rolcanlogin: boolean }>(
      `SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname = ANY($1::text[]) ORDER BY rolname`,
      [[roles.app, roles.platform]],
    );
    expect(found.rows).toEqual([
      { rolname: roles.app, rolcanlogin: false },
      { rolname: roles.platform, rolcanlogin: false },
    ]);
  });
});
