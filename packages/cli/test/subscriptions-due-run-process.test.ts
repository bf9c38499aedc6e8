import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createTestDatabase, type TestDatabase } from "@cleanops/db/testing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const exec = promisify(execFile);

let db: TestDatabase;
let owner: pg.Client;

beforeAll(async () => {
  db = await createTestDatabase("head");
  owner = new pg.Client({ connectionString: db.url });
  await owner.connect();
});
afterAll(async () => {
  await owner?.end();
  await db?.drop();
});

/** `pnpm cli subscriptions:due-run …` as the operator runs it: a real process on the test database. */
async function dueRun(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await exec(process.execPath, [main, "subscriptions:due-run", ...args], {
      env: { PATH: process.env.PATH ?? "", DATABASE_URL: db.url },
      timeout: 60_000,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function orgWithPlan(slug: string, status = "active"): Promise<{ orgId: string; planId: string; addonId: string }> {
  const orgId = randomUUID();
  await owner.query(`INSERT INTO organizations (org_id, name, slug, status) VALUES ($1, $2, $2, $3)`, [orgId, slug, status]);
  const one = async (sql: string, params: unknown[]) => (await owner.query<{ id: string }>(sql, params)).rows[0]?.id ?? "";
  const client = await one(`INSERT INTO client_users (org_id, name, address) VALUES ($1, 'C', '1 Main St') RETURNING id`, [orgId]);
  const addonId = await one(
    `INSERT INTO addon_definitions (org_id, name, price_cents, currency, duration_minutes) VALUES ($1, 'Oven', 1200, 'EUR', 30) RETURNING id`,
    [orgId],
  );
  const planId = await one(
    `INSERT INTO subscriptions (org_id, client_id, frequency, next_booking_at, price_cents, currency, duration_minutes)
     VALUES ($1, $2, 'weekly', '2026-04-06T09:00:00Z', 7000, 'EUR', 60) RETURNING id`,
    [orgId, client],
  );
  await owner.query(`INSERT INTO subscription_addons (org_id, subscription_id, addon_id, quantity) VALUES ($1, $2, $3, 1)`, [
    orgId,
    planId,
    addonId,
  ]);
  return { orgId, planId, addonId };
}

const bookingsOf = async (planId: string) =>
  (
    await owner.query<{ org_id: string; d: string; unit: number }>(
      `SELECT b.org_id, to_char(b.occurrence_date, 'YYYY-MM-DD') AS d, oa.unit_price_cents AS unit
         FROM bookings b JOIN order_addons oa ON oa.booking_id = b.id WHERE b.subscription_id = $1 ORDER BY d`,
      [planId],
    )
  ).rows;

describe("pnpm cli subscriptions:due-run", () => {
  it("books every active org's due occurrences once, printing a line per org, however often and concurrently it runs", async () => {
    const a = await orgWithPlan("due-a");
    const b = await orgWithPlan("due-b");
    const off = await orgWithPlan("due-off", "suspended");

    const first = await dueRun(["--date", "2026-04-13"]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(`${a.orgId} due-a: due 1, created 2, already booked 0, skipped 0`);
    expect(first.stdout).toContain(`${b.orgId} due-b: due 1, created 2, already booked 0, skipped 0`);
    expect(first.stdout).toContain(`${off.orgId} due-off: suspended, skipped`);

    const runs = await Promise.all([1, 2, 3].map(() => dueRun(["--date", "2026-04-20"])));
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0]);
    const createdByRuns = runs.map((r) => Number(/: (\d+) booking\(s\) created/.exec(r.stdout)?.[1]));
    expect(createdByRuns.reduce((x, y) => x + y, 0)).toBe(2);

    for (const org of [a, b]) {
      expect(await bookingsOf(org.planId)).toEqual(
        ["2026-04-06", "2026-04-13", "2026-04-20"].map((d) => ({ org_id: org.orgId, d, unit: 1200 })),
      );
    }
    expect(await bookingsOf(off.planId)).toEqual([]);
    const audit = await owner.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM admin_audit_logs WHERE org_id = $1 AND action = 'booking.created' AND actor_user_id IS NULL`,
      [a.orgId],
    );
    expect(audit.rows[0]?.n).toBe(3);
  });

  it("refuses a date that is not a calendar date with exit code 2", async () => {
    const r = await dueRun(["--date", "2026-02-30"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: subscriptions:due-run: --date must be a calendar date as YYYY-MM-DD/);
  });
});
