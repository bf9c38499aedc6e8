import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { ROLES, type Role } from "@cleanops/db";
import { orgChecksums } from "@cleanops/db/testing";
import type { Express } from "express";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { roleAllows, type Capability } from "../../../apps/admin-api/src/authz/permissions.ts";
import { seedOtherOrg } from "../../../apps/admin-api/test/cross-org.test-cases.ts";
import { teamOfRoles, type SignedIn } from "../../../apps/admin-api/test/support/staff.ts";
import { documentedRoutes, type DocumentedRoute } from "./matrix/documented-routes.ts";
import { exampleFor, FILTER_ROWS, type Caller, type ExampleCall, type Victim } from "./matrix/examples.ts";
import { startThreeApps, type AppName, type ThreeApps } from "./matrix/three-apps.ts";

/**
 * The cross-tenant matrix: every documented route of the three apps that takes an id × every principal of one org ×
 * the ids of the other org, both ways round. Routes come from each app's own GET /openapi.json; the examples that aim
 * a route at the other org's rows come from matrix/examples.ts (and admin-api's CROSS_ORG_CASES). Findings go to
 * tooling/e2e/reports/cross-tenant-matrix.json (git-ignored); docs/security.md says how to read them.
 */

const PASSWORD = "matrix-worker-password-2026";
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
const REPORT = new URL("../reports/cross-tenant-matrix.json", import.meta.url);
const PRINCIPALS = [...ROLES, "worker", "link", "none"] as const;
type Principal = (typeof PRINCIPALS)[number];

type Org = Victim & { staff: Record<Role, SignedIn>; tokens: Record<Principal, string | undefined>; workerEmail: string };

type Check = {
  app: AppName;
  route: string;
  principal: Principal;
  attacker: string;
  victim: string;
  path: string;
  status: number;
  expected: number;
  verdict: "ok" | "leak" | "unexpected";
  note?: string;
};

let three: ThreeApps;
let orgA: Org;
let orgB: Org;
let routes: DocumentedRoute[];
const checks: Check[] = [];
const problems: string[] = [];
const unexercisable: string[] = [];
const listFindings: { route: string; principal: string; attacker: string; path: string; status: number; verdict: string }[] = [];
const crossApp: { app: AppName; route: string; principal: string; status: number; verdict: string }[] = [];

async function api(app: Express, method: string, path: string, token: string | undefined, body?: object) {
  let req = request(app)[method as "get"](path).set("accept", "application/json");
  if (token) req = req.set("authorization", `Bearer ${token}`);
  return body === undefined ? req : req.send(body);
}

async function created(app: Express, path: string, token: string, body: object): Promise<Record<string, string>> {
  const res = await api(app, "post", path, token, body);
  if (res.status !== 201) throw new Error(`seeding POST ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Record<string, string>;
}

/** One org with one row of every resource (admin-api's seed), plus what worker-portal and links need: a job, a photo. */
async function seedOrg(): Promise<Org> {
  const admin = three.apps["admin-api"];
  const staff = await teamOfRoles(three.admin);
  const owner = staff.owner.headers.authorization.slice("Bearer ".length);
  const rows = await seedOtherOrg(three.admin, staff.owner);
  const workerEmail = `matrix-worker-${randomUUID().slice(0, 8)}@example.test`;
  // A crew of its own: the seeded team has working hours on one weekday only, and the job is tomorrow.
  const crew = (await created(admin, "/teams", owner, { name: "Matrix crew" })).id as string;
  await created(admin, "/workers", owner, { name: "Matrix worker", email: workerEmail, team_id: crew, password: PASSWORD });
  const tomorrow = new Date(Date.now() + 86_400_000);
  tomorrow.setUTCHours(9, 0, 0, 0);
  const job = (
    await created(admin, "/bookings", owner, {
      client_id: rows.client,
      starts_at: tomorrow.toISOString(),
      duration_minutes: 60,
      price_cents: 5000,
      currency: "EUR",
    })
  ).id as string;
  const assigned = await api(admin, "post", `/bookings/${job}/assign`, owner, { team_id: crew });
  if (assigned.status !== 200) throw new Error(`seeding assign: ${assigned.status}`);
  await created(admin, `/bookings/${job}/checklist`, owner, { template_id: rows.template });
  const login = await api(three.apps["worker-portal"], "post", "/auth/login", undefined, {
    org: staff.owner.org.slug,
    email: workerEmail,
    password: PASSWORD,
  });
  if (login.status !== 200) throw new Error(`seeding worker sign-in: ${login.status} ${JSON.stringify(login.body)}`);
  const workerToken = (login.body as { access_token: string }).access_token;
  const photo = await request(three.apps["worker-portal"])
    .post(`/jobs/${job}/photos`)
    .set("authorization", `Bearer ${workerToken}`)
    .attach("photo", PNG, { filename: "door.png", contentType: "image/png" });
  if (photo.status !== 201) throw new Error(`seeding photo: ${photo.status} ${JSON.stringify(photo.body)}`);
  const link = await created(admin, `/invoices/${rows.invoice}/public-links`, owner, {});
  const tokens = Object.fromEntries(ROLES.map((r) => [r, staff[r].headers.authorization.slice("Bearer ".length)])) as Record<
    Principal,
    string | undefined
  >;
  tokens.worker = workerToken;
  tokens.link = link.token;
  tokens.none = undefined;
  return {
    orgId: staff.owner.org.orgId,
    slug: staff.owner.org.slug,
    rows: { ...rows, crew, job, photo: (photo.body as { id: string }).id, ownerUser: staff.owner.user.id },
    staff,
    tokens,
    workerEmail,
  };
}

function callerOf(org: Org, principal: Principal): Caller {
  const staffMember = org.staff[ROLES.includes(principal as Role) ? (principal as Role) : "owner"];
  return {
    principal,
    orgId: org.orgId,
    token: org.tokens[principal],
    staff: { email: staffMember.user.email, password: staffMember.user.password },
    worker: { email: org.workerEmail, password: PASSWORD },
  };
}

/** What `principal` must get from `route` aimed at the other org's rows: 404, or the role's 403, or 401. */
function expectedStatus(route: DocumentedRoute, principal: Principal, call: ExampleCall): number {
  if (call.expect !== undefined) return call.expect;
  if (!route.capability) return 404;
  if (route.app === "admin-api") {
    if (!ROLES.includes(principal as Role)) return 401;
    return roleAllows(principal as Role, route.capability as Capability) ? 404 : 403;
  }
  return principal === "worker" ? 404 : 401;
}

async function send(app: Express, route: DocumentedRoute, call: ExampleCall, token: string | undefined) {
  let req = request(app)[route.method](call.path).set("accept", "application/json");
  if (token) req = req.set("authorization", `Bearer ${token}`);
  for (const [k, v] of Object.entries(call.headers ?? {})) req = req.set(k, v);
  if (call.raw) return req.set("content-type", call.raw.contentType).send(call.raw.text);
  return call.body === undefined ? req : req.send(call.body);
}

beforeAll(async () => {
  three = await startThreeApps();
  orgA = await seedOrg();
  orgB = await seedOrg();
  routes = [];
  for (const app of ["admin-api", "worker-portal", "public-invoices"] as const)
    routes.push(...(await documentedRoutes(app, three.apps[app])));
});

afterAll(async () => {
  const idRoutes = new Set(checks.map((c) => `${c.app} ${c.route}`));
  const failed = checks.filter((c) => c.verdict !== "ok");
  const report = {
    summary: {
      line: `${idRoutes.size} routes × ${PRINCIPALS.length} principals × 2 orgs checked, ${failed.length + problems.length} leaks`,
      routes: idRoutes.size,
      principals: [...PRINCIPALS],
      orgs: 2,
      checks: checks.length,
      leaks: failed.filter((c) => c.verdict === "leak").length,
      unexpected: failed.filter((c) => c.verdict === "unexpected").length,
      changed_rows: problems,
      unexercisable,
    },
    failed,
    lists: listFindings,
    cross_app_tokens: crossApp,
    checks,
  };
  mkdirSync(new URL(".", REPORT), { recursive: true });
  writeFileSync(REPORT, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`${report.summary.line} (findings: ${REPORT.pathname})`);
  await three?.close();
});

describe("the cross-tenant matrix over every documented route of admin-api, worker-portal and public-invoices", () => {
  it("reads each app's routes from its own OpenAPI document, and has an example for every route that takes an id", () => {
    for (const app of ["admin-api", "worker-portal", "public-invoices"] as const) {
      expect(routes.filter((r) => r.app === app).length, app).toBeGreaterThan(0);
    }
    for (const r of routes.filter((x) => x.takesId)) {
      if (!exampleFor(r.app, r.key)) unexercisable.push(`${r.app} ${r.key}`);
    }
    // Each is a route the matrix cannot aim at the other org: add its one-line example (matrix/examples.ts says where).
    expect(unexercisable).toEqual([]);
  });

  it("another org's ids answer 404 (or the principal's 401/403), never 2xx or 5xx, and leave that org's rows byte-identical", async () => {
    const exercised = routes.filter((r) => exampleFor(r.app, r.key) && (r.takesId || r.app !== "admin-api"));
    for (const [attacker, victim] of [
      [orgA, orgB],
      [orgB, orgA],
    ] as const) {
      let baseline = await orgChecksums(three.admin.owner, victim.orgId);
      for (const route of exercised) {
        const example = exampleFor(route.app, route.key);
        if (!example) continue;
        for (const principal of PRINCIPALS) {
          const call = example(victim, callerOf(attacker, principal));
          const res = await send(three.apps[route.app], route, call, attacker.tokens[principal]);
          const expected = expectedStatus(route, principal, call);
          const twoXx = res.status >= 200 && res.status < 300;
          const throttled = call.throttled === true && res.status === 429;
          const verdict =
            res.status === expected || throttled ? "ok" : res.status >= 500 || (twoXx && !call.why2xx) ? "leak" : ("unexpected" as const);
          checks.push({
            app: route.app,
            route: route.key,
            principal,
            attacker: attacker.orgId,
            victim: victim.orgId,
            path: call.path,
            status: res.status,
            expected,
            verdict,
            ...(call.why2xx && twoXx ? { note: call.why2xx } : {}),
            ...(throttled ? { note: "refused by the per-IP sign-in limit (429) after repeated attempts" } : {}),
          });
        }
        const after = await orgChecksums(three.admin.owner, victim.orgId);
        for (const [table, digest] of Object.entries(after)) {
          if (digest !== baseline[table]) problems.push(`${route.app} ${route.key} changed ${table} of the victim org ${victim.orgId}`);
        }
        baseline = after;
      }
    }
    const failed = checks
      .filter((c) => c.verdict !== "ok")
      .map((c) => `${c.app} ${c.route} as ${c.principal}: ${c.status} (expected ${c.expected})`);
    expect(failed).toEqual([]);
    expect(problems).toEqual([]);
    expect(checks.length).toBeGreaterThan(500);
  });

  it("the examples aim at real rows: the owning org's own owner (or worker) reads each of them", async () => {
    const misses: string[] = [];
    for (const route of routes.filter((r) => r.method === "get" && r.hasPathParams && r.app !== "public-invoices")) {
      const example = exampleFor(route.app, route.key);
      if (!example) continue;
      for (const [me, victim] of [
        [orgA, orgB],
        [orgB, orgA],
      ] as const) {
        const call = example(victim, callerOf(me, "owner"));
        const own = victim.tokens[route.app === "admin-api" ? "owner" : "worker"];
        const res = await send(three.apps[route.app], route, call, own);
        if (res.status !== 200) misses.push(`${route.app} ${route.key} (${call.path}) as its own org: ${res.status}`);
      }
    }
    expect(misses).toEqual([]);
  });

  it("list and search routes, filtered by the other org's ids or not, show nothing of it", async () => {
    const unfilled: string[] = [];
    const lists = routes.filter((r) => r.method === "get" && !r.hasPathParams && r.app !== "public-invoices");
    for (const [attacker, victim] of [
      [orgA, orgB],
      [orgB, orgA],
    ] as const) {
      const theirs = [victim.orgId, ...Object.values(victim.rows), victim.tokens.link ?? ""].filter((v) => v.length > 0);
      for (const route of lists) {
        const params = new URLSearchParams();
        for (const name of route.idFilters) {
          const key = FILTER_ROWS[name];
          if (!key || !victim.rows[key]) unfilled.push(`${route.app} ${route.key} ?${name}`);
          else params.set(name, victim.rows[key]);
        }
        const principals: Principal[] = route.app === "admin-api" ? [...ROLES] : ["worker"];
        for (const principal of principals) {
          for (const query of route.idFilters.length > 0 ? [`?${params.toString()}`, ""] : [""]) {
            const path = `${route.path}${query}`;
            const res = await api(three.apps[route.app], "get", path, attacker.tokens[principal]);
            const shown = theirs.filter((id) => res.text.includes(id));
            const verdict =
              res.status >= 500
                ? "error"
                : shown.length > 0
                  ? `leak: ${shown.join(", ")}`
                  : // A GET without path parameters that refuses this caller (403, or a 400/401 of a route that wants a
                    // query or a cookie) shows nothing either: what counts is that no answer carries the other org.
                    "ok";
            listFindings.push({
              route: `${route.app} ${route.key}`,
              principal,
              attacker: attacker.orgId,
              path,
              status: res.status,
              verdict,
            });
          }
        }
      }
    }
    expect(unfilled).toEqual([]);
    expect(
      listFindings.filter((f) => f.verdict !== "ok").map((f) => `${f.route} ${f.path} as ${f.principal}: ${f.status} ${f.verdict}`),
    ).toEqual([]);
    expect(listFindings.filter((f) => f.status === 200).length).toBeGreaterThan(20);
  });

  it("tokens of one app are refused by the others, and a link token is refused as a bearer token anywhere", async () => {
    const foreign: Record<AppName, Principal[]> = {
      "admin-api": ["worker", "link"],
      "worker-portal": [...ROLES, "link"],
      "public-invoices": [],
    };
    for (const route of routes.filter((r) => r.capability)) {
      const path = route.path.replace(/:[A-Za-z0-9_]+/g, randomUUID());
      for (const principal of foreign[route.app]) {
        const res = await api(three.apps[route.app], route.method, path, orgA.tokens[principal], route.method === "get" ? undefined : {});
        crossApp.push({ app: route.app, route: route.key, principal, status: res.status, verdict: res.status === 401 ? "ok" : "accepted" });
      }
    }
    expect(crossApp.filter((c) => c.verdict !== "ok").map((c) => `${c.app} ${c.route} with a ${c.principal} token: ${c.status}`)).toEqual(
      [],
    );
    expect(crossApp.length).toBeGreaterThan(100);
  });
});
