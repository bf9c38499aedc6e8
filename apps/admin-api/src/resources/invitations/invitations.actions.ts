import { generateOpaqueToken, hashToken } from "@cleanops/auth";
import { entities, type Role } from "@cleanops/db";
import { conflict, forbidden, notFound } from "@cleanops/http";
import { mayGrant } from "../../authz/permissions.ts";
import type { AdminContext } from "../../kernel/context.ts";
import { assertMayManage } from "../memberships/membership-rules.ts";
import { queueInvitationMail } from "../auth/account-links.ts";

const { Invitation, Membership, Organization } = entities;

export const INVITATION_TTL_DAYS = 7;

export const listPendingInvitations = (ctx: AdminContext) =>
  ctx.em.find(
    Invitation,
    { organization: ctx.orgId, acceptedAt: null, revokedAt: null, expiresAt: { $gt: ctx.now } },
    { orderBy: { createdAt: "asc", id: "asc" } },
  );

/**
 * Invites by email with a role no higher than the inviter's; only the token's hash is kept. The invitation mail (with
 * the link) is queued in the same transaction; the caller shows the token once only when no mail server is set.
 */
export async function invite(ctx: AdminContext, email: string, role: Role) {
  if (!mayGrant(ctx.role, role)) {
    throw forbidden(`Your role (${ctx.role}) cannot invite someone as ${role}.`, { details: { role } });
  }
  const token = generateOpaqueToken();
  const invitation = await ctx.mutate(async (tx, audit) => {
    const member = await tx.count(Membership, { organization: ctx.orgId, revokedAt: null, user: { email } });
    if (member > 0) throw conflict("This person is already a member.", { details: { email } });
    // Inviting again replaces the pending invitation: only the newest link works.
    await tx.nativeUpdate(Invitation, { organization: ctx.orgId, email, acceptedAt: null, revokedAt: null }, { revokedAt: ctx.now });
    const inv = tx.create(Invitation, {
      organization: ctx.orgId,
      email,
      role,
      tokenHash: hashToken(token),
      invitedBy: ctx.principal.userId,
      expiresAt: new Date(ctx.now.getTime() + INVITATION_TTL_DAYS * 24 * 60 * 60 * 1000),
    });
    const org = await tx.findOneOrFail(Organization, ctx.orgId);
    queueInvitationMail(tx, ctx.services, { orgId: ctx.orgId, orgName: org.name, email, role, token });
    audit.record({
      action: "invitation.created",
      entityType: "invitation",
      entityId: inv.id,
      changes: { email, role, expires_at: inv.expiresAt.toISOString() },
    });
    return inv;
  });
  ctx.services.outbox.kick();
  return { invitation, token };
}

export async function withdrawInvitation(ctx: AdminContext, id: string): Promise<void> {
  await ctx.mutate(async (tx, audit) => {
    const inv = await tx.findOne(Invitation, { id, organization: ctx.orgId, acceptedAt: null, revokedAt: null });
    if (!inv) throw notFound("No such pending invitation.");
    assertMayManage(ctx.role, inv.role);
    inv.revokedAt = ctx.now;
    audit.record({
      action: "invitation.revoked",
      entityType: "invitation",
      entityId: inv.id,
      changes: { email: inv.email, role: inv.role },
    });
  });
}
