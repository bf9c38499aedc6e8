import { TENANT_TABLES } from "@cleanops/db";
import { asAppRole } from "@cleanops/db/testing";
import { pathParameters } from "@cleanops/http";
import pg from "pg";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { declaredRoutes } from "../src/kernel/mount.ts";
import { RESOURCES } from "../src/resources/index.ts";
import { signedIn, type SignedIn } from "./support/staff.ts";
import { startTestApp, type TestApp } from "./support/test-app.ts";

/**
 * Every list route's SQL must be able to use an index on a many-tenant database: each SELECT a list request sends
 * is EXPLAINed (as the app role, in the org, like the request) with sequential scans and full sorts priced out
 * (`enable_seqscan = off`, `enable_sort = off`). On these few rows the planner would rightly prefer both; with them
 * disabled, a Seq Scan of a tenant table remains only when no index can serve the query at all (at a million rows:
 * reading every org's rows), and a Sort under the LIMIT only when no index gives the page's order (reading and
 * sorting all of a large org's matching rows for 50 of them). The benchmark (`pnpm bench`) measures these routes at
 * that scale.
 */
const TENANT = new Set(TENANT_TABLES.map((t) => t.name));
/** Extra query strings worth planning separately: the filters the list routes are used with most. */
const VARIANTS: Record<string, string[]> = {
  "/bookings": ["", "?status=completed", "?unassigned=true", "?status=confirmed&from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z"],
  "/invoices": ["", "?status=issued"],
};

type Sent = { sql: string; values: unknown[] };
type PlanNode = { "Node Type": string; "Relation Name"?: string; Plans?: PlanNode[] };

const sent: Sent[] = [];
let capturing = false;
const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
const originalQuery = proto.query;

function seqScans(node: PlanNode, found: string[] = []): string[] {
  if (node["Node Type"] === "Seq Scan" && node["Relation Name"] && TENANT.has(node["Relation Name"])) found.push(node["Relation Name"]);
  for (const child of node.Plans ?? []) seqScans(child, found);
  return found;
}

/**
 * A full Sort under a LIMIT, fed by a scan of a tenant table: the page is cut only after every matching row of the
 * org was read and sorted (a large org's whole table). An index whose order serves the ORDER BY avoids it; an
 * Incremental Sort (the index gives the leading key, ties are sorted) is fine.
 */
function fullSorts(node: PlanNode, underLimit = false, found: string[] = []): string[] {
  const limit = underLimit || node["Node Type"] === "Limit";
  if (limit && node["Node Type"] === "Sort") {
    const scanned = (n: PlanNode): string[] => [
      ...(n["Relation Name"] && TENANT.has(n["Relation Name"]) ? [n["Relation Name"]] : []),
      ...(n.Plans ?? []).flatMap(scanned),
    ];
    found.push(...(node.Plans ?? []).flatMap(scanned));
  }
  for (const child of node.Plans ?? []) fullSorts(child, limit && node["Node Type"] !== "Sort", found);
  return found;
}

let t: TestApp;
let owner: SignedIn;
let app: pg.Client;

beforeAll(async () => {
  proto.query = function (this: pg.Client, ...args: unknown[]) {
    const [first, second] = args;
    if (capturing && typeof first === "string" && this.user !== "postgres") {
      sent.push({ sql: first, values: Array.isArray(second) ? second : [] });
    }
    return originalQuery.apply(this, args);
  };
  t = await startTestApp();
  owner = await signedIn(t, "owner");
  app = new pg.Client({ connectionString: asAppRole(t.db.url) });
  await app.connect();
});

afterAll(async () => {
  proto.query = originalQuery;
  await app.end();
  await t.close();
});

describe("list routes' SQL can use an index (EXPLAIN with sequential scans disabled)", () => {
  const lists = declaredRoutes(RESOURCES).filter(
    (r) => r.method === "get" && pathParameters(r.path).length === 0 && "capability" in r.access,
  );

  it("finds the list routes, and the check sees a query no index serves", async () => {
    expect(lists.map((r) => r.path)).toContain("/bookings");
    // As the owner (no row-level security, whose org_id predicate every index here starts with).
    await t.owner.query("BEGIN");
    try {
      await t.owner.query("SET LOCAL enable_seqscan = off");
      await t.owner.query("SET LOCAL enable_sort = off");
      const plan = await t.owner.query<{ "QUERY PLAN": [{ Plan: PlanNode }] }>(
        `EXPLAIN (FORMAT JSON) SELECT * FROM bookings WHERE notes = 'x' ORDER BY address LIMIT 5`,
      );
      const root = plan.rows[0]?.["QUERY PLAN"][0].Plan ?? { "Node Type": "none" };
      expect(seqScans(root)).toEqual(["bookings"]);
      expect(fullSorts(root)).toEqual(["bookings"]);
    } finally {
      await t.owner.query("ROLLBACK");
    }
  });

  it("no SELECT of any list route needs a sequential scan of a tenant table, nor sorts all of an org's rows for one page", async () => {
    const problems: string[] = [];
    let planned = 0;
    for (const r of lists) {
      for (const query of VARIANTS[r.path] ?? [""]) {
        sent.length = 0;
        capturing = true;
        const res = await request(t.app).get(`${r.path}${query}`).set(owner.headers);
        capturing = false;
        if (res.status >= 500) problems.push(`${r.path}${query}: ${res.status}`);
        for (const s of sent.filter((x) => /^\s*select\b/i.test(x.sql) && !/set_config/i.test(x.sql))) {
          await app.query("BEGIN");
          try {
            await app.query(`SELECT set_config('app.current_org', $1, true)`, [owner.org.orgId]);
            await app.query("SET LOCAL enable_seqscan = off");
            await app.query("SET LOCAL enable_sort = off");
            const plan = await app.query<{ "QUERY PLAN": [{ Plan: PlanNode }] }>(`EXPLAIN (FORMAT JSON) ${s.sql}`, s.values);
            const root = plan.rows[0]?.["QUERY PLAN"][0].Plan;
            planned++;
            const scans = root ? seqScans(root) : [];
            if (scans.length > 0) problems.push(`${r.path}${query}: Seq Scan on ${scans.join(", ")} in: ${s.sql.slice(0, 300)}`);
            const sorts = root ? fullSorts(root) : [];
            if (sorts.length > 0)
              problems.push(`${r.path}${query}: Sort of all rows of ${sorts.join(", ")} before the LIMIT in: ${s.sql.slice(0, 300)}`);
          } finally {
            await app.query("ROLLBACK");
          }
        }
      }
    }
    expect(problems).toEqual([]);
    expect(planned).toBeGreaterThan(lists.length);
  });
});
