import { generateOpaqueToken, hashToken } from "@cleanops/auth";
import { entities } from "@cleanops/db";
import { conflict, forbidden, notFound, publicRoute } from "@cleanops/http";
import { Router } from "express";
import { z } from "zod";
import { recordAudit } from "../audit/audit-log.ts";
import { requestMeta } from "../audit/request-meta.ts";
import { sessionBody } from "../auth/session-tokens.ts";
import { mayGrant } from "../authz/permissions.ts";
import { assertMayManage } from "../memberships/membership-rules.ts";
import type { AdminServices } from "../services.ts";
import { emailSchema, idParams, opaqueTokenSchema, passwordSchema, roleSchema } from "../validation/common-schemas.ts";
import { acceptInvitation } from "./accept-invitation.ts";
import { invitationView } from "./invitation-view.ts";

const { Invitation, Membership } = entities;

export const INVITATION_TTL_DAYS = 7;

const InviteBody = z.object({ email: emailSchema, role: roleSchema }).strict();
const AcceptBody = z.object({
  token: opaqueTokenSchema,
  email: emailSchema,
  password: passwordSchema,
  name: z.string().trim().min(1).max(200).optional(),
});

/** Inviting by email, listing and withdrawing invitations, and redeeming one. */
export function invitationsRouter(services: AdminServices): Router {
  const { access } = services;
  const router = Router();

  router.get("/invitations", access.require("members.read"), async (_req, res) => {
    const { em, orgId } = access.context(res);
    const rows = await em.find(
      Invitation,
      { organization: orgId, acceptedAt: null, revokedAt: null, expiresAt: { $gt: services.now() } },
      { orderBy: { createdAt: "asc", id: "asc" } },
    );
    res.json({ invitations: rows.map(invitationView) });
  });

  router.post("/invitations", access.require("members.invite"), async (req, res) => {
    const ctx = access.context(res);
    const body = InviteBody.parse(req.body);
    // Never above the inviter's own role, and the owner role only with owners.manage.
    if (!mayGrant(ctx.role, body.role)) {
      throw forbidden(`Your role (${ctx.role}) cannot invite someone as ${body.role}.`, { details: { role: body.role } });
    }
    const token = generateOpaqueToken();
    const invitation = await ctx.em.transactional(async (em) => {
      const now = services.now();
      const member = await em.count(Membership, { organization: ctx.orgId, revokedAt: null, user: { email: body.email } });
      if (member > 0) throw conflict("This person is already a member.", { details: { email: body.email } });
      // Inviting again replaces the pending invitation: only the newest link works.
      await em.nativeUpdate(
        Invitation,
        { organization: ctx.orgId, email: body.email, acceptedAt: null, revokedAt: null },
        { revokedAt: now },
      );
      const inv = em.create(Invitation, {
        organization: ctx.orgId,
        email: body.email,
        role: body.role,
        tokenHash: hashToken(token),
        invitedBy: ctx.principal.userId,
        expiresAt: new Date(now.getTime() + INVITATION_TTL_DAYS * 24 * 60 * 60 * 1000),
      });
      recordAudit(em, requestMeta(req), {
        actorUserId: ctx.principal.userId,
        action: "invitation.created",
        entityType: "invitation",
        entityId: inv.id,
        changes: { email: body.email, role: body.role, expires_at: inv.expiresAt.toISOString() },
      });
      await em.flush();
      return inv;
    });
    // The token is shown once, to be delivered to the invitee; only its hash is stored.
    res.status(201).json({ invitation: invitationView(invitation), token });
  });

  router.delete("/invitations/:id", access.require("members.invite"), async (req, res) => {
    const ctx = access.context(res);
    const { id } = idParams.parse(req.params);
    await ctx.em.transactional(async (em) => {
      const inv = await em.findOne(Invitation, { id, organization: ctx.orgId, acceptedAt: null, revokedAt: null });
      if (!inv) throw notFound("No such pending invitation.");
      assertMayManage(ctx.role, inv.role);
      inv.revokedAt = services.now();
      recordAudit(em, requestMeta(req), {
        actorUserId: ctx.principal.userId,
        action: "invitation.revoked",
        entityType: "invitation",
        entityId: inv.id,
        changes: { email: inv.email, role: inv.role },
      });
      await em.flush();
    });
    res.status(204).end();
  });

  router.post(
    "/invitations/accept",
    publicRoute("the invitation token is the credential; the invitee may have no account yet"),
    async (req, res) => {
      const body = AcceptBody.parse(req.body);
      const result = await acceptInvitation(services, body, requestMeta(req));
      res.json(sessionBody(result.session, services, { user: result.user, org: result.org, role: result.role }));
    },
  );

  return router;
}
