import type { EntityManager } from "@mikro-orm/postgresql";

/**
 * The app role's calls of 0052's SECURITY DEFINER functions: the few steps of signing in that must look across orgs
 * before any org or user is known. Each answers one narrow question (an exact email, a slug, one token's hash);
 * whatever follows runs under row-level security as the user and org the answer names (`withUser`). They run on
 * `em`'s transaction when it has one.
 */

// The ORM's raw connection hands timestamps back as strings.
const date = (v: string | Date | null): Date | null => (v === null ? null : new Date(v));

async function call<T>(em: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  return em.getConnection().execute<T[]>(sql, params, "all", em.getTransactionContext());
}

export type AccountRecord = {
  id: string;
  email: string;
  name: string | null;
  passwordHash: string | null;
  emailVerifiedAt: Date | null;
  disabledAt: Date | null;
  tokensValidAfter: Date | null;
};

/** The account of this exact (normalized) email, with its password hash: the only way the hash leaves the database. */
export async function findAccountByEmail(em: EntityManager, email: string): Promise<AccountRecord | null> {
  type Row = {
    id: string;
    email: string;
    name: string | null;
    password_hash: string | null;
    email_verified_at: string | null;
    disabled_at: string | null;
    tokens_valid_after: string | null;
  };
  const [r] = await call<Row>(em, `select * from find_account_by_email(?)`, [email]);
  if (!r) return null;
  return {
    id: r.id,
    email: r.email,
    name: r.name,
    passwordHash: r.password_hash,
    emailVerifiedAt: date(r.email_verified_at),
    disabledAt: date(r.disabled_at),
    tokensValidAfter: date(r.tokens_valid_after),
  };
}

export type OrgBySlug = { orgId: string; name: string; status: string };

/** An org by its public slug (worker sign-in, sign-up's slug check). */
export async function findOrgBySlug(em: EntityManager, slug: string): Promise<OrgBySlug | null> {
  const [r] = await call<{ org_id: string; name: string; status: string }>(em, `select * from find_org_by_slug(?)`, [slug]);
  return r ? { orgId: r.org_id, name: r.name, status: r.status } : null;
}

/** Whose session a refresh token (by its SHA-256) is: the rotation then runs as that user in that org. */
export async function findRefreshTokenOwner(
  em: EntityManager,
  tokenHash: string,
): Promise<{ id: string; userId: string; orgId: string; familyId: string } | null> {
  const [r] = await call<{ id: string; user_id: string; org_id: string; family_id: string }>(em, `select * from find_refresh_token(?)`, [
    tokenHash,
  ]);
  return r ? { id: r.id, userId: r.user_id, orgId: r.org_id, familyId: r.family_id } : null;
}

export type InvitationRecord = {
  id: string;
  orgId: string;
  email: string;
  role: string;
  expiresAt: Date;
  acceptedAt: Date | null;
  revokedAt: Date | null;
  orgStatus: string;
};

/** An invitation by its token's SHA-256, with its org's status. */
export async function findInvitationByToken(em: EntityManager, tokenHash: string): Promise<InvitationRecord | null> {
  type Row = {
    id: string;
    org_id: string;
    email: string;
    role: string;
    expires_at: string;
    accepted_at: string | null;
    revoked_at: string | null;
    org_status: string;
  };
  const [r] = await call<Row>(em, `select * from find_invitation(?)`, [tokenHash]);
  if (!r) return null;
  return {
    id: r.id,
    orgId: r.org_id,
    email: r.email,
    role: r.role,
    expiresAt: new Date(r.expires_at),
    acceptedAt: date(r.accepted_at),
    revokedAt: date(r.revoked_at),
    orgStatus: r.org_status,
  };
}

/** Whose verification or reset link this is (by its SHA-256): it is then read and spent as that user. */
export async function findAccountTokenOwner(
  em: EntityManager,
  tokenHash: string,
  purpose: "verify_email" | "password_reset",
): Promise<{ id: string; userId: string } | null> {
  const [r] = await call<{ id: string; user_id: string }>(em, `select * from find_account_token(?, ?)`, [tokenHash, purpose]);
  return r ? { id: r.id, userId: r.user_id } : null;
}

/** Revokes every live refresh token `userId` holds in the transaction's org (an admin ending a membership). */
export async function revokeMemberSessions(em: EntityManager, userId: string, at: Date): Promise<number> {
  const [r] = await call<{ n: number }>(em, `select revoke_member_sessions(?, ?::timestamptz) as n`, [userId, at]);
  return Number(r?.n ?? 0);
}

export type LiveMembershipRecord = {
  membershipId: string;
  role: string;
  email: string;
  name: string | null;
  tokensValidAfter: Date | null;
  orgName: string;
  orgSlug: string;
};

/**
 * The per-request check of a staff token: the live membership of `userId` in `orgId` (not revoked, user not
 * disabled, org active), or null. One statement on the pool, no transaction: it runs on every signed-in request.
 */
export async function findLiveMembershipRecord(em: EntityManager, userId: string, orgId: string): Promise<LiveMembershipRecord | null> {
  type Row = {
    membership_id: string;
    role: string;
    email: string;
    name: string | null;
    tokens_valid_after: string | null;
    org_name: string;
    org_slug: string;
  };
  // On the pool, never on a transaction found through `em`'s async context: the check precedes the request's own.
  const [r] = await em.getConnection().execute<Row[]>(`select * from find_live_membership(?, ?)`, [userId, orgId], "all");
  if (!r) return null;
  return {
    membershipId: r.membership_id,
    role: r.role,
    email: r.email,
    name: r.name,
    tokensValidAfter: date(r.tokens_valid_after),
    orgName: r.org_name,
    orgSlug: r.org_slug,
  };
}
