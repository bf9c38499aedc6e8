import { decideRefresh, hashPassword, hashToken } from "@cleanops/auth";
import { entities, findRefreshTokenOwner, mutate, newPasswordProblem, userEntityManager, withUser, type Audit } from "@cleanops/db";
import { authenticationFailed, notFound, validationFailed } from "@cleanops/http";
import { LockMode, type EntityManager } from "@mikro-orm/postgresql";
import type { z } from "zod";
import { auditInOrg, recordAudit } from "../../audit/audit-log.ts";
import type { AdminContext, PublicContext } from "../../kernel/context.ts";
import { findLiveMembership, liveMembershipsOf, type LiveMembership } from "../../platform/live-memberships.ts";
import { platformEm } from "../../platform/platform-em.ts";
import type { LoginBody } from "./auth.schemas.ts";
import { verifyCredentials } from "./credentials.ts";
import { endAllSessions, issueSession, revokeFamily, sessionBody, type IssuedSession } from "./session-tokens.ts";

const { RefreshToken, User } = entities;

const orgChoice = (m: LiveMembership) => ({ org_id: m.orgId, name: m.orgName, slug: m.orgSlug, role: m.role });

type RefreshOutcome =
  | { kind: "rotated"; session: IssuedSession; live: LiveMembership }
  | { kind: "invalid" }
  | { kind: "reused"; orgId: string; userId: string; familyId: string; revoked: number }
  | { kind: "membership_gone" };

/** Issues a new sign-in (a new refresh family) into `m`'s org and audits it there, in one transaction. */
async function signIn(ctx: PublicContext, m: LiveMembership, action: "auth.login" | "auth.org_switched", changes: Record<string, unknown>) {
  const { services } = ctx;
  const session = await withUser(services.orm, { userId: m.user.id, orgId: m.orgId }, async (em) => {
    const issued = issueSession(em, services, { userId: m.user.id, orgId: m.orgId, role: m.role });
    recordAudit(em, ctx.meta, {
      actorUserId: m.user.id,
      action,
      entityType: "user",
      entityId: m.user.id,
      changes: { role: m.role, ...changes },
    });
    await em.flush();
    return issued;
  });
  return answer(ctx, session, m);
}

const answer = (ctx: PublicContext, session: IssuedSession, m: LiveMembership) =>
  sessionBody(session, ctx.services, { user: m.user, org: { orgId: m.orgId, name: m.orgName, slug: m.orgSlug }, role: m.role });

/** Password sign-in: a token pair for the one org (or `org_id`), or the list of orgs to choose from. */
export async function login(ctx: PublicContext, body: z.output<typeof LoginBody>) {
  const user = await verifyCredentials(ctx.services, body, ctx.meta);
  const memberships = await withUser(ctx.services.orm, { userId: user.id }, (em) => liveMembershipsOf(em, user.id));
  let chosen: LiveMembership | undefined;
  if (body.org_id !== undefined) {
    chosen = memberships.find((m) => m.orgId === body.org_id);
    if (!chosen) throw authenticationFailed("membership_revoked", { realm: "admin-api" });
  } else if (memberships.length === 1) {
    chosen = memberships[0];
  } else if (memberships.length > 1) {
    // No token without an org: the client asks which one, then signs in again with org_id.
    return { org_required: true as const, user: { id: user.id, email: user.email, name: user.name }, orgs: memberships.map(orgChoice) };
  }
  if (!chosen) {
    throw authenticationFailed("membership_revoked", {
      realm: "admin-api",
      message: "Your account has no active membership in any organization.",
    });
  }
  return signIn(ctx, chosen, "auth.login", {});
}

/** Rotates a refresh token; a second use of one revokes its whole family (a stolen token is detected). */
export async function refresh(ctx: PublicContext, refreshToken: string) {
  const { services, meta, now } = ctx;
  const tokenHash = hashToken(refreshToken);
  // Whose session it is (0052's narrow lookup); the rest runs as that user in that org, under row-level security.
  const owner = await findRefreshTokenOwner(platformEm(services.orm), tokenHash);
  if (!owner) throw authenticationFailed("refresh_token_invalid", { realm: "admin-api" });
  const outcome = await withUser(services.orm, { userId: owner.userId, orgId: owner.orgId }, async (em): Promise<RefreshOutcome> => {
    // Locked, so two concurrent exchanges of one token cannot both rotate it: the second sees it spent.
    const record = await em.findOne(RefreshToken, { tokenHash }, { lockMode: LockMode.PESSIMISTIC_WRITE });
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
      return answer(ctx, outcome.session, outcome.live);
    case "reused":
      services.logger.warn(
        { userId: outcome.userId, orgId: outcome.orgId, familyId: outcome.familyId, ip: meta.ip, reqId: meta.requestId },
        "refresh token reused: family revoked",
      );
      await auditInOrg(services.orm, outcome.orgId, meta, {
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
}

/** Ends a sign-in (the whole family); the same answer whether or not the token existed. */
export async function logout(ctx: PublicContext, refreshToken: string): Promise<void> {
  const owner = await findRefreshTokenOwner(platformEm(ctx.services.orm), hashToken(refreshToken));
  if (owner) await withUser(ctx.services.orm, { userId: owner.userId }, (em) => revokeFamily(em, owner.familyId, ctx.now));
}

export async function switchOrg(ctx: AdminContext, orgId: string) {
  const userId = ctx.principal.userId;
  // Acting as the caller in the target org: another org's membership (or a missing org) is simply not there.
  const target = await withUser(ctx.services.orm, { userId, orgId }, (em) => findLiveMembership(em, userId, orgId));
  // Another org's existence is not disclosed: not a member there is the same as no such org.
  if (!target) throw notFound("No organization with this id among your memberships.");
  return signIn(ctx, target, "auth.org_switched", { from_org_id: ctx.orgId });
}

export async function me(ctx: AdminContext) {
  const userId = ctx.principal.userId;
  const memberships = await withUser(ctx.services.orm, { userId }, (em) => liveMembershipsOf(em, userId));
  return {
    user: { id: ctx.principal.userId, email: ctx.principal.email, name: ctx.principal.name },
    org_id: ctx.orgId,
    role: ctx.role,
    memberships: memberships.map((m) => ({ membership_id: m.membershipId, ...orgChoice(m) })),
  };
}

/** Sign out everywhere: every refresh token of the user revoked, every access token issued until now refused. */
export async function logoutAll(ctx: AdminContext): Promise<void> {
  await asCaller(ctx, async (tx, audit) => {
    const revoked = await endAllSessions(tx, ctx.principal.userId, ctx.now);
    audit.record({
      action: "auth.logout_all",
      entityType: "user",
      entityId: ctx.principal.userId,
      changes: { revoked_refresh_tokens: revoked },
    });
  });
}

/**
 * `ctx.mutate`, acting as the caller too: their own account and their sessions in every org are theirs alone to
 * change (the platform tables' row-level security, 0052), so the transaction names them beside their org.
 */
function asCaller<T>(ctx: AdminContext, work: (tx: EntityManager, audit: Audit) => Promise<T>): Promise<T> {
  const userId = ctx.principal.userId;
  const em = userEntityManager(ctx.services.orm, userId, ctx.orgId);
  return mutate(em, { userId, ip: ctx.meta.ip, requestId: ctx.meta.requestId }, work);
}

/**
 * A new password, proven by the current one (throttled like a sign-in: a stolen access token alone cannot take the
 * account over). Every session ends, this one included: the client signs in again with the new password.
 */
export async function changePassword(ctx: AdminContext, body: { current_password: string; new_password: string }): Promise<void> {
  const problem = newPasswordProblem(body.new_password);
  if (problem) {
    throw validationFailed(undefined, { details: { issues: [{ path: ["new_password"], code: "too_small", message: problem }] } });
  }
  await verifyCredentials(ctx.services, { email: ctx.principal.email, password: body.current_password }, ctx.meta);
  const passwordHash = await hashPassword(body.new_password);
  await asCaller(ctx, async (tx, audit) => {
    await tx.nativeUpdate(User, { id: ctx.principal.userId }, { passwordHash });
    const revoked = await endAllSessions(tx, ctx.principal.userId, ctx.now);
    audit.record({
      action: "auth.password_changed",
      entityType: "user",
      entityId: ctx.principal.userId,
      changes: { revoked_refresh_tokens: revoked },
    });
  });
}
