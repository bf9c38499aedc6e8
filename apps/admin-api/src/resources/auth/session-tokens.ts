import { randomUUID } from "node:crypto";
import { generateOpaqueToken, hashToken, signAccessToken } from "@cleanops/auth";
import { entities, revokeMemberSessions, type Role } from "@cleanops/db";
import type { EntityManager } from "@mikro-orm/postgresql";
import type { AdminServices } from "../../services.ts";

const { RefreshToken, User } = entities;

const DAY_MS = 24 * 60 * 60 * 1000;

/** An access token (short, stateless) and a refresh token (opaque, stored hashed) for one user in one org. */
export type IssuedSession = {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
  familyId: string;
};

type SessionSubject = { userId: string; orgId: string; role: Role; familyId?: string };

/**
 * Issues a token pair. The access token's `role` is informational for clients: the API reads the role from the
 * membership on every request. The refresh token is staged on `em` (flushed by the caller, in the same transaction
 * as whatever justified it); without `familyId` it starts a new family, i.e. a new sign-in.
 */
export function issueSession(em: EntityManager, services: AdminServices, subject: SessionSubject): IssuedSession {
  const now = services.now();
  const access = signAccessToken(
    { audience: "admin-api", sub: subject.userId, orgId: subject.orgId, role: subject.role },
    { keyRing: services.keyRing, ttlSeconds: services.accessTokenTtlSeconds, now },
  );
  const refreshToken = generateOpaqueToken();
  const familyId = subject.familyId ?? randomUUID();
  const refreshTokenExpiresAt = new Date(now.getTime() + services.refreshTokenTtlDays * DAY_MS);
  em.create(RefreshToken, {
    user: subject.userId,
    organization: subject.orgId,
    familyId,
    tokenHash: hashToken(refreshToken),
    expiresAt: refreshTokenExpiresAt,
  });
  return { accessToken: access.token, accessTokenExpiresAt: access.expiresAt, refreshToken, refreshTokenExpiresAt, familyId };
}

/** Revokes every live token of a family (a sign-in and all its rotations; `em` acts for its user); returns how many. */
export async function revokeFamily(em: EntityManager, familyId: string, now: Date): Promise<number> {
  return em.nativeUpdate(RefreshToken, { familyId, revokedAt: null }, { revokedAt: now });
}

/**
 * Revokes every live refresh token a user holds in the org of `em`'s transaction: their sessions there end at the next
 * refresh. Another user's tokens are out of the app role's sight (0052), hence the narrow function.
 */
export async function revokeSessionsIn(em: EntityManager, userId: string, now: Date): Promise<number> {
  return revokeMemberSessions(em, userId, now);
}

/**
 * Ends every session of a user, in every org (`em` must act for that user: `withUser`): all refresh tokens revoked, and every access token issued until now
 * refused from the next request on (`users.tokens_valid_after`, checked with the live membership). Token times are
 * whole seconds, so the cut-off is rounded up: a token issued in this very second is refused too (a client signing in
 * within the same second signs in again). With `keepThisSecond` (a new session is issued right after, in the same
 * transaction) it is rounded down instead, so that session's token stays valid.
 */
export async function endAllSessions(
  em: EntityManager,
  userId: string,
  now: Date,
  options: { keepThisSecond?: boolean } = {},
): Promise<number> {
  const seconds = now.getTime() / 1000;
  const cutoff = new Date((options.keepThisSecond ? Math.floor(seconds) : Math.ceil(seconds)) * 1000);
  await em.nativeUpdate(User, { id: userId }, { tokensValidAfter: cutoff });
  return em.nativeUpdate(RefreshToken, { user: userId, revokedAt: null }, { revokedAt: now });
}

/** The JSON every sign-in, refresh, switch and redemption answers with. */
export function sessionBody(
  session: IssuedSession,
  services: AdminServices,
  who: { user: { id: string; email: string; name: string | null }; org: { orgId: string; name: string; slug: string }; role: Role },
) {
  return {
    access_token: session.accessToken,
    token_type: "Bearer" as const,
    expires_in: services.accessTokenTtlSeconds,
    access_token_expires_at: session.accessTokenExpiresAt.toISOString(),
    refresh_token: session.refreshToken,
    refresh_token_expires_at: session.refreshTokenExpiresAt.toISOString(),
    org: { org_id: who.org.orgId, name: who.org.name, slug: who.org.slug },
    role: who.role,
    user: { id: who.user.id, email: who.user.email, name: who.user.name },
  };
}
