import { entities } from "@cleanops/db";
import { conflict, notFound } from "@cleanops/http";
import { Router } from "express";
import { z } from "zod";
import { recordAudit } from "../audit/audit-log.ts";
import { requestMeta } from "../audit/request-meta.ts";
import { revokeSessionsIn } from "../auth/session-tokens.ts";
import type { AdminServices } from "../services.ts";
import { idParams, idSchema, roleSchema } from "../validation/common-schemas.ts";
import { assertMayManage, assertNotLastOwner, liveMembershipOfOrg, lockOrgMemberships } from "./membership-rules.ts";
import { membershipView } from "./membership-view.ts";

const { Membership } = entities;

const ChangeRoleBody = z.object({ role: roleSchema }).strict();
const TransferBody = z.object({ membership_id: idSchema }).strict();

/** The members of the current org: list, read, change role, revoke, and transferring ownership. */
export function membershipsRouter(services: AdminServices): Router {
  const { access } = services;
  const router = Router();

  router.get("/memberships", access.require("members.read"), async (_req, res) => {
    const { em, orgId } = access.context(res);
    const rows = await em.find(
      Membership,
      { organization: orgId, revokedAt: null },
      { populate: ["user"], orderBy: { createdAt: "asc", id: "asc" } },
    );
    res.json({ memberships: rows.map(membershipView) });
  });

  router.get("/memberships/:id", access.require("members.read"), async (req, res) => {
    const { em, orgId } = access.context(res);
    const { id } = idParams.parse(req.params);
    const m = await em.findOne(Membership, { id, organization: orgId }, { populate: ["user"] });
    if (!m) throw notFound("No such membership.");
    res.json(membershipView(m));
  });

  router.patch("/memberships/:id", access.require("members.manage"), async (req, res) => {
    const ctx = access.context(res);
    const { id } = idParams.parse(req.params);
    const { role } = ChangeRoleBody.parse(req.body);
    const updated = await ctx.em.transactional(async (em) => {
      await lockOrgMemberships(em, ctx.orgId);
      const m = await liveMembershipOfOrg(em, ctx.orgId, id);
      if (m.role === role) return m;
      assertMayManage(ctx.role, m.role, role);
      if (role !== "owner") await assertNotLastOwner(em, ctx.orgId, m);
      recordAudit(em, requestMeta(req), {
        actorUserId: ctx.principal.userId,
        action: "membership.role_changed",
        entityType: "membership",
        entityId: m.id,
        changes: { user_id: m.user.id, before: { role: m.role }, after: { role } },
      });
      m.role = role;
      await em.flush();
      return m;
    });
    res.json(membershipView(updated));
  });

  router.delete("/memberships/:id", access.require("members.manage"), async (req, res) => {
    const ctx = access.context(res);
    const { id } = idParams.parse(req.params);
    await ctx.em.transactional(async (em) => {
      await lockOrgMemberships(em, ctx.orgId);
      const m = await liveMembershipOfOrg(em, ctx.orgId, id);
      assertMayManage(ctx.role, m.role);
      await assertNotLastOwner(em, ctx.orgId, m);
      const now = services.now();
      m.revokedAt = now;
      // Access tokens die at their next request (the membership is checked every time); refresh tokens die here.
      const sessions = await revokeSessionsIn(em, m.user.id, ctx.orgId, now);
      recordAudit(em, requestMeta(req), {
        actorUserId: ctx.principal.userId,
        action: "membership.revoked",
        entityType: "membership",
        entityId: m.id,
        changes: { user_id: m.user.id, email: m.user.getEntity().email, role: m.role, revoked_refresh_tokens: sessions },
      });
      await em.flush();
    });
    res.status(204).end();
  });

  router.post("/org/transfer-ownership", access.require("ownership.transfer"), async (req, res) => {
    const ctx = access.context(res);
    const { membership_id } = TransferBody.parse(req.body);
    const result = await ctx.em.transactional(async (em) => {
      await lockOrgMemberships(em, ctx.orgId);
      const target = await liveMembershipOfOrg(em, ctx.orgId, membership_id);
      const me = await liveMembershipOfOrg(em, ctx.orgId, ctx.principal.membershipId);
      if (target.id === me.id) throw conflict("You already own this organization.");
      if (target.user.getEntity().disabledAt) throw conflict("Ownership cannot go to a disabled account.");
      const before = { target: target.role, you: me.role };
      target.role = "owner";
      me.role = "admin";
      recordAudit(em, requestMeta(req), {
        actorUserId: ctx.principal.userId,
        action: "ownership.transferred",
        entityType: "membership",
        entityId: target.id,
        changes: { to_user_id: target.user.id, from_user_id: ctx.principal.userId, before, after: { target: "owner", you: "admin" } },
      });
      await em.flush();
      return { target, me };
    });
    res.json({ owner: membershipView(result.target), previous_owner: membershipView(result.me) });
  });

  return router;
}
