import { ROLES } from "@cleanops/db";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { roleAllows } from "../src/authz/permissions.ts";
import { declaredRoutes } from "../src/kernel/mount.ts";
import { RESOURCES } from "../src/resources/index.ts";
import { CROSS_ORG_CASES, seedOtherOrg, type OtherOrgRows } from "./cross-org.test-cases.ts";
import { signedIn, snapshotOrg, teamOfRoles } from "./support/staff.ts";
import { startTestApp, type TestApp } from "./support/test-app.ts";

let t: TestApp;
let mine: Awaited<ReturnType<typeof teamOfRoles>>;
let theirs: Awaited<ReturnType<typeof signedIn>>;
let rows: OtherOrgRows;

beforeAll(async () => {
  t = await startTestApp();
  mine = await teamOfRoles(t);
  theirs = await signedIn(t, "owner");
  rows = await seedOtherOrg(t, theirs);
});
afterAll(() => t.close());

describe("another org's ids, on every route that takes one", () => {
  it("answer 404 not_found (or the role's 403) for every role, and leave the other org's rows byte-identical", async () => {
    const before = await snapshotOrg(t, theirs.org.orgId);
    const leaks: string[] = [];
    let checked = 0;
    for (const route of declaredRoutes(RESOURCES)) {
      const make = CROSS_ORG_CASES[`${route.method.toUpperCase()} ${route.path}`];
      if (!make) continue;
      for (const role of ROLES) {
        const call = make(rows, { email: mine[role].user.email, password: mine[role].user.password });
        const res = await request(t.app)[route.method](call.path).set(mine[role].headers).send(call.body);
        const allowed = "capability" in route.access ? roleAllows(role, route.access.capability) : true;
        const expected = call.expect ?? (allowed ? { status: 404, code: "not_found" } : { status: 403, code: "forbidden" });
        checked++;
        if (res.status !== expected.status || res.body.error?.code !== expected.code) {
          leaks.push(`${route.method.toUpperCase()} ${call.path} as ${role}: ${res.status} ${JSON.stringify(res.body)}`);
        }
      }
    }
    expect(leaks).toEqual([]);
    expect(checked).toBeGreaterThan(0);
    expect(await snapshotOrg(t, theirs.org.orgId)).toEqual(before);
  });

  it("the other org's owner still sees its own rows (the cases aimed at real rows)", async () => {
    const res = await request(t.app).get(`/clients/${rows.client}`).set(theirs.headers);
    expect(res.status).toBe(200);
  });
});
