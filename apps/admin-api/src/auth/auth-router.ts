import { decideRefresh, hashToken } from "@cleanops/auth";
import { entities, withOrg } from "@cleanops/db";
import { authenticationFailed, notFound, publicRoute } from "@cleanops/http";
import { LockMode } from "@mikro-orm/postgresql";
import { Router } from "express";
import { z } from "zod";
import { auditInOrg, recordAudit } from "../audit/audit-log.ts";
import { requestMeta, type RequestMeta } from "../audit/request-meta.ts";
import { findLiveMembership, liveMembershipsOf, type LiveMembership } from "../platform/live-memberships.ts";
import { platformEm } from "../platform/platform-em.ts";
import type { AdminServices } from "../services.ts";
import { emailSchema, idSchema, opaqueTokenSchema, passwordSchema } from "../validation/common-schemas.ts";
import { verifyCredentials } from "./credentials.ts";
import { issueSession, revokeFamily, sessionBody, type IssuedSession } from "./session-tokens.ts";

const { RefreshToken } = entities;

const LoginBody = z.object({ email: emailSchema, password: passwordSchema, org_id: idSchema.optional() });
const RefreshBody = z.object({ refresh_token: opaqueTokenSchema });
const SwitchOrgBody = z.object({ org_id: idSchema });

const orgChoice = (m: LiveMembership) => ({ org_id: m.orgId, name: m.orgName, slug: m.orgSlug, role: m.role });

type RefreshOutcome =
  | { kind: "rotated"; session: IssuedSession; live: LiveMembership }
  | { kind: "invalid" }
  | { kind: "reused"; orgId: string; userId: string; familyId: string; revoked: number }
  | { kind: "membership_gone" };

/** Sign-in, refresh, sign-out, switching org, and who am I. */
export function authRouter(services: AdminServices): Router {
  const { orm, access } = services;
  const router = Router();

  /** Issues a new sign-in (new refresh family) into `m`'s org and audits it there, in one transaction. */
  const signIn = (m: LiveMembership, meta: RequestMeta, action: "auth.login" | "auth.org_switched", changes: Record<string, unknown>) =>
    withOrg(orm, m.orgId, async (em) => {
      const session = issueSession(em, services, { userId: m.user.id, orgId: m.orgId, role: m.role });
      recordAudit(em, meta, {
        actorUserId: m.user.id,
        action,
        entityType: "user",
        entityId: m.user.id,
        changes: { role: m.role, ...changes },
      });
      await em.flush();
      return session;
    });

  const answer = (session: IssuedSession, m: LiveMembership) =>
    sessionBody(session, services, { user: m.user, org: { orgId: m.orgId, name: m.orgName, slug: m.orgSlug }, role: m.role });

  router.post("/auth/login", publicRoute("signing in is how a caller gets a token"), async (req, res) => {
    const body = LoginBody.parse(req.body);
    const meta = requestMeta(req);
    const user = await verifyCredentials(services, body, meta);
    const memberships = await liveMembershipsOf(platformEm(orm), user.id);
    let chosen: LiveMembership | undefined;
    if (body.org_id !== undefined) {
      chosen = memberships.find((m) => m.orgId === body.org_id);
      if (!chosen) throw authenticationFailed("membership_revoked", { realm: "admin-api" });
    } else if (memberships.length === 1) {
      chosen = memberships[0];
    } else if (memberships.length > 1) {
      // No token without an org: the client asks which one, then signs in again with org_id.
      res.json({ org_required: true, user: { id: user.id, email: user.email, name: user.name }, orgs: memberships.map(orgChoice) });
      return;
    }
    if (!chosen) {
      throw authenticationFailed("membership_revoked", {
        realm: "admin-api",
        message: "Your account has no active membership in any organization.",
      });
    }
    res.json(answer(await signIn(chosen, meta, "auth.login", {}), chosen));
  });

  router.post("/auth/refresh", publicRoute("the refresh token is the credential; the access token may have expired"), async (req, res) => {
    const body = RefreshBody.parse(req.body);
    const meta = requestMeta(req);
    const now = services.now();
    const outcome = await platformEm(orm).transactional(async (em): Promise<RefreshOutcome> => {
      // Locked, so two concurrent exchanges of one token cannot both rotate it: the second sees it spent.
      const record = await em.findOne(RefreshToken, { tokenHash: hashToken(body.refresh_token) }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!record) return { kind: "invalid" };
      const decision = decideRefresh(
        { familyId: record.familyId, usedAt: record.usedAt ?? null, revokedAt: record.revokedAt ?? null, expiresAt: record.expiresAt },
        now,
      );
      if (decision === "reuse_detected") {
        const revoked = await revokeFamily(em, record.familyId, now);
        return { kind: "reused", orgId: record.organization.orgId, userId: record.user.id, familyId: record.familyId, revoked };
      }
      if (decision !== "rotate") return { kind: "invalid" };
      const live = await findLiveMembership(em, record.user.id, record.organization.orgId);
      if (!live) {
        await revokeFamily(em, record.familyId, now);
        return { kind: "membership_gone" };
      }
      record.usedAt = now;
      const session = issueSession(em, services, { userId: live.user.id, orgId: live.orgId, role: live.role, familyId: record.familyId });
      await em.flush();
      return { kind: "rotated", session, live };
    });
    switch (outcome.kind) {
      case "rotated":
        res.json(answer(outcome.session, outcome.live));
        return;
      case "reused":
        services.logger.warn(
          { userId: outcome.userId, orgId: outcome.orgId, familyId: outcome.familyId, ip: meta.ip, reqId: meta.requestId },
          "refresh token reused: family revoked",
        );
        await auditInOrg(orm, outcome.orgId, meta, {
          actorUserId: null,
          action: "auth.refresh_reuse_detected",
          entityType: "refresh_token_family",
          entityId: outcome.familyId,
          changes: { user_id: outcome.userId, revoked_tokens: outcome.revoked },
        });
        throw authenticationFailed("refresh_token_reused", { realm: "admin-api" });
      case "membership_gone":
        throw authenticationFailed("membership_revoked", { realm: "admin-api" });
      case "invalid":
        throw authenticationFailed("refresh_token_invalid", { realm: "admin-api" });
    }
  });

  router.post(
    "/auth/logout",
    publicRoute("the refresh token is the credential; signing out must work with an expired access token"),
    async (req, res) => {
      const body = RefreshBody.parse(req.body);
      const em = platformEm(orm);
      const record = await em.findOne(RefreshToken, { tokenHash: hashToken(body.refresh_token) });
      // The same answer whether or not the token existed: logging out never tells what a token was.
      if (record) await revokeFamily(em, record.familyId, services.now());
      res.status(204).end();
    },
  );

  router.post("/auth/switch-org", access.require("session.switch_org"), async (req, res) => {
    const ctx = access.context(res);
    const body = SwitchOrgBody.parse(req.body);
    const target = await findLiveMembership(platformEm(orm), ctx.principal.userId, body.org_id);
    // Another org's existence is not disclosed: not a member there is the same as no such org.
    if (!target) throw notFound("No organization with this id among your memberships.");
    res.json(answer(await signIn(target, requestMeta(req), "auth.org_switched", { from_org_id: ctx.orgId }), target));
  });

  router.get("/me", access.require("session.read"), async (_req, res) => {
    const ctx = access.context(res);
    const memberships = await liveMembershipsOf(platformEm(orm), ctx.principal.userId);
    res.json({
      user: { id: ctx.principal.userId, email: ctx.principal.email, name: ctx.principal.name },
      org_id: ctx.orgId,
      role: ctx.role,
      memberships: memberships.map((m) => ({ membership_id: m.membershipId, ...orgChoice(m) })),
    });
  });

  return router;
}
