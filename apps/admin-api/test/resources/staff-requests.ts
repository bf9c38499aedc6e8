import type { Role } from "@cleanops/db";
import type pg from "pg";
import request from "supertest";
import { accessTokenFor, bearer, type Member } from "../support/factories.ts";
import type { TestApp } from "../support/test-app.ts";

/** One org with a member of each role. */
export type Staff = Record<Role, Member>;

export async function staffOrg(t: TestApp): Promise<Staff> {
  const owner = await t.make.member("owner");
  return {
    owner,
    admin: await t.make.member("admin", { org: owner.org }),
    dispatcher: await t.make.member("dispatcher", { org: owner.org }),
    finance: await t.make.member("finance", { org: owner.org }),
  };
}

/** A supertest agent signed in as `m` (a genuine access token, as the app signs them). */
export function as(t: TestApp, m: Member) {
  const auth = bearer(accessTokenFor({ userId: m.user.id, orgId: m.org.orgId, role: m.membership.role }, { now: t.clock.now() }));
  return {
    get: (path: string) => request(t.app).get(path).set(auth),
    post: (path: string, body?: object) =>
      body === undefined ? request(t.app).post(path).set(auth) : request(t.app).post(path).set(auth).send(body),
    patch: (path: string, body: object) => request(t.app).patch(path).set(auth).send(body),
    delete: (path: string) => request(t.app).delete(path).set(auth),
  };
}

/** The audit rows of one org with an action, oldest first. */
export async function auditRows(owner: pg.Client, orgId: string, action: string) {
  const r = await owner.query<{
    actor_user_id: string | null;
    entity_type: string;
    entity_id: string | null;
    changes: Record<string, unknown>;
  }>(
    `SELECT actor_user_id, entity_type, entity_id, changes FROM admin_audit_logs WHERE org_id = $1 AND action = $2 ORDER BY created_at, id`,
    [orgId, action],
  );
  return r.rows;
}

/** The field names a 400 `validation_failed` complains about. */
export function invalidFields(body: unknown): string[] {
  const issues = (body as { error?: { details?: { issues?: { path: (string | number)[] }[] } } }).error?.details?.issues ?? [];
  return issues.map((i) => i.path.join("."));
}

/** The `items` of a list answer. */
export function itemsOf<T = { id: string }>(body: unknown): T[] {
  return (body as { items: T[] }).items;
}
