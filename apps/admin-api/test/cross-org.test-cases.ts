import request from "supertest";
import type { SignedIn } from "./support/staff.ts";
import type { TestApp } from "./support/test-app.ts";

/** The rows of the other org that the cases aim at, made through the API by that org's owner. */
export type OtherOrgRows = Record<string, string>;

async function post(t: TestApp, who: SignedIn, path: string, body: object): Promise<string> {
  const res = await request(t.app).post(path).set(who.headers).send(body);
  if (res.status !== 201) throw new Error(`seeding ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body as { id: string }).id;
}

/** One row of every resource in the other org. */
export async function seedOtherOrg(t: TestApp, owner: SignedIn): Promise<OtherOrgRows> {
  const client = await post(t, owner, "/clients", { name: "Other org's client", email: "other@example.test" });
  return { client };
}

type Case = (rows: OtherOrgRows) => { path: string; body?: object };

/**
 * For every route that takes an id (in its path or body): the call that aims it at the other org's rows. The
 * contract test fails when a declared route is missing here; the cross-org test runs each as every role of the
 * first org and wants 404 (or that role's 403), with the other org's rows byte-identical afterwards.
 */
export const CROSS_ORG_CASES: Record<string, Case> = {
  "GET /clients/:id": (r) => ({ path: `/clients/${r.client}` }),
  "PATCH /clients/:id": (r) => ({ path: `/clients/${r.client}`, body: { name: "Taken over" } }),
  "POST /clients/:id/archive": (r) => ({ path: `/clients/${r.client}/archive` }),
  "POST /clients/:id/restore": (r) => ({ path: `/clients/${r.client}/restore` }),
};
