import { entities, type Role } from "@cleanops/db";
import { conflict } from "@cleanops/http";
import type { AdminContext } from "../../kernel/context.ts";
import { revokeSessionsIn } from "../auth/session-tokens.ts";
import { assertMayManage, assertNotLastOwner, liveMembershipOfOrg, lockOrgMemberships } from "./membership-rules.ts";

const { Membership } = entities;

export const listMemberships = (ctx: AdminContext) =>
  ctx.em.find(Membership, { organization: ctx.orgId, revokedAt: null }, { populate: ["user"], orderBy: { createdAt: "asc", id: "asc" } });

/** Changes a member's role: never above your own, owners only by owners, and the last owner stays. */
export async function changeRole(ctx: AdminContext, id: string, role: Role): Promise<entities.IMembership> {
  return ctx.mutate(async (tx, audit) => {
    await lockOrgMemberships(tx, ctx.orgId);
    const m = await liveMembershipOfOrg(tx, ctx.orgId, id);
    assertMayManage(ctx.role, m.role, role);
    if (m.role === role) return m;
    if (role !== "owner") await assertNotLastOwner(tx, ctx.orgId, m);
    audit.record({
      action: "membership.role_changed",
      entityType: "membership",
      entityId: m.id,
      changes: { user_id: m.user.id, before: { role: m.role }, after: { role } },
    });
    m.role = role;
    return m;
  });
}

/** Ends a membership; its refresh tokens die now, its access tokens at their next request. */
export async function revokeMembership(ctx: AdminContext, id: string): Promise<void> {
  await ctx.mutate(async (tx, audit) => {
    await lockOrgMemberships(tx, ctx.orgId);
    const m = await liveMembershipOfOrg(tx, ctx.orgId, id);
    assertMayManage(ctx.role, m.role);
    await assertNotLastOwner(tx, ctx.orgId, m);
    m.revokedAt = ctx.now;
    const sessions = await revokeSessionsIn(tx, m.user.id, ctx.now);
    audit.record({
      action: "membership.revoked",
      entityType: "membership",
      entityId: m.id,
      changes: { user_id: m.user.id, email: m.user.getEntity().email, role: m.role, revoked_refresh_tokens: sessions },
    });
  });
}

export async function transferOwnership(ctx: AdminContext, membershipId: string) {
  return ctx.mutate(async (tx, audit) => {
    await lockOrgMemberships(tx, ctx.orgId);
    const target = await liveMembershipOfOrg(tx, ctx.orgId, membershipId);
    const me = await liveMembershipOfOrg(tx, ctx.orgId, ctx.principal.membershipId);
    if (target.id === me.id) throw conflict("You already own this organization.");
    if (target.user.getEntity().disabledAt) throw conflict("Ownership cannot go to a disabled account.");
    const before = { target: target.role, you: me.role };
    target.role = "owner";
    me.role = "admin";
    audit.record({
      action: "ownership.transferred",
      entityType: "membership",
      entityId: target.id,
      changes: { to_user_id: target.user.id, from_user_id: ctx.principal.userId, before, after: { target: "owner", you: "admin" } },
    });
    return { target, me };
  });
}
