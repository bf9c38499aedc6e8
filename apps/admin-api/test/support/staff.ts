import type { Role } from "@cleanops/db";
import { orgChecksums } from "@cleanops/db/testing";
import { accessTokenFor, bearer, type Member, type OrgRow } from "./factories.ts";
import type { TestApp } from "./test-app.ts";

export type SignedIn = Member & { headers: { authorization: string } };

/** A member of `org` (a new org when not given) with `role`, holding a genuine access token. */
export async function signedIn(t: TestApp, role: Role, org?: OrgRow): Promise<SignedIn> {
  const m = await t.make.member(role, org ? { org } : {});
  const token = accessTokenFor({ userId: m.user.id, orgId: m.org.orgId, role }, { now: t.clock.now() });
  return { ...m, headers: bearer(token) };
}

/** One signed-in member per role, all in one new org. */
export async function teamOfRoles(t: TestApp): Promise<Record<Role, SignedIn>> {
  const owner = await signedIn(t, "owner");
  return {
    owner,
    admin: await signedIn(t, "admin", owner.org),
    dispatcher: await signedIn(t, "dispatcher", owner.org),
    finance: await signedIn(t, "finance", owner.org),
  };
}

/** Everything an org owns, digested per table (read as the owner): compare before and after a refused call. */
export const snapshotOrg = (t: TestApp, orgId: string) => orgChecksums(t.owner, orgId);

/** The audit rows of an org, oldest first, as the owner reads them. */
export async function auditRows(t: TestApp, orgId: string) {
  const res = await t.owner.query<{
    action: string;
    entity_type: string;
    entity_id: string | null;
    actor_user_id: string | null;
    changes: Record<string, unknown>;
    request_id: string | null;
  }>(
    `SELECT action, entity_type, entity_id, actor_user_id, changes, request_id FROM admin_audit_logs WHERE org_id = $1 ORDER BY created_at, id`,
    [orgId],
  );
  return res.rows;
}
