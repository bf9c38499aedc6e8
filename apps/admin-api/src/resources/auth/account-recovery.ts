import { hashPassword, hashToken } from "@cleanops/auth";
import {
  admitClientAction,
  entities,
  findAccountByEmail,
  findAccountTokenOwner,
  newPasswordProblem,
  recordProvenAccess,
  withUser,
} from "@cleanops/db";
import { AppError, rateLimited, validationFailed } from "@cleanops/http";
import { LockMode } from "@mikro-orm/postgresql";
import { auditInOrg } from "../../audit/audit-log.ts";
import type { PublicContext } from "../../kernel/context.ts";
import { platformEm } from "../../platform/platform-em.ts";
import { issueAccountLink } from "./account-links.ts";
import { endAllSessions } from "./session-tokens.ts";

const { AccountToken, Membership, User } = entities;

/** A user id no account has: the unknown email's transaction acts for no one (the answer must take the same path). */
const NO_ONE = "00000000-0000-0000-0000-000000000000";

/** At most this many reset mails per account an hour: a reset form must not be a way to flood someone's inbox. */
const RESET_MAILS_PER_HOUR = 3;

export const RESET_REQUESTED = {
  status: "accepted" as const,
  message: "If an account exists for this address, a link to reset its password has been sent to it.",
};

/**
 * Asks for a reset link. The answer is the same whether or not the address has an account (or is disabled, or has
 * had too many links this hour): only the mailbox learns. Limited per client like sign-up.
 */
export async function requestPasswordReset(ctx: PublicContext, email: string): Promise<typeof RESET_REQUESTED> {
  const { services, meta, now } = ctx;
  const em = platformEm(services.orm);
  const admitted = await admitClientAction(em, "password-reset", meta.ip, now);
  if (admitted.blocked) {
    throw rateLimited("Too many reset requests from your network. Try again later.", { retryAfterSeconds: admitted.retryAfterSeconds });
  }
  const account = await findAccountByEmail(em, email);
  const queued = await withUser(services.orm, { userId: account?.id ?? NO_ONE }, async (tx) => {
    if (!account) return false;
    // Locked: two requests at once cannot both see fewer than the hourly limit.
    const user = await tx.findOne(
      User,
      { id: account.id },
      { fields: ["id", "email", "disabledAt"], lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    if (!user || user.disabledAt) return false;
    const recent = await tx.count(AccountToken, {
      user: user.id,
      purpose: "password_reset",
      createdAt: { $gt: new Date(now.getTime() - 60 * 60 * 1000) },
    });
    if (recent >= RESET_MAILS_PER_HOUR) return false;
    await issueAccountLink(tx, services, { userId: user.id, email: user.email, purpose: "password_reset", now });
    await tx.flush();
    return true;
  });
  if (queued) services.outbox.kick();
  return RESET_REQUESTED;
}

/**
 * A new password through a reset link: single use, 30 minutes, whatever the sign-in throttle says (the link proves the
 * address). It also proves the address (verified), ends every session (a squatter's included: the real owner takes
 * the address back), and counts as a success for the throttle, so the owner can sign in at once.
 */
export async function confirmPasswordReset(ctx: PublicContext, body: { token: string; password: string }): Promise<void> {
  const { services, meta, now } = ctx;
  const problem = newPasswordProblem(body.password);
  if (problem) {
    throw validationFailed(undefined, { details: { issues: [{ path: ["password"], code: "too_small", message: problem }] } });
  }
  const passwordHash = await hashPassword(body.password);
  const em = platformEm(services.orm);
  // Whose link it is (0052's narrow lookup); it is then read, locked and spent as that user.
  const owner = await findAccountTokenOwner(em, hashToken(body.token), "password_reset");
  if (!owner) throw new AppError("link_invalid");
  const done = await withUser(services.orm, { userId: owner.userId }, async (tx) => {
    const link = await tx.findOne(
      AccountToken,
      { tokenHash: hashToken(body.token), purpose: "password_reset" },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    if (!link || link.usedAt || !(now.getTime() < link.expiresAt.getTime())) return null;
    const user = await tx.findOne(User, { id: link.user.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    // The address changed hands since (or the account is disabled): the link proves nothing about this account now.
    if (!user || user.email !== link.email || user.disabledAt) return null;
    link.usedAt = now;
    user.passwordHash = passwordHash;
    user.emailVerifiedAt ??= now;
    await tx.flush();
    const revoked = await endAllSessions(tx, user.id, now);
    await recordProvenAccess(tx, { email: user.email, ip: meta.ip }, now);
    return { userId: user.id, email: user.email, revoked };
  });
  if (!done) throw new AppError("link_invalid");
  const orgs = await withUser(services.orm, { userId: done.userId }, (tx) =>
    tx.find(Membership, { user: done.userId, revokedAt: null }, { fields: ["organization"] }),
  );
  for (const m of orgs) {
    await auditInOrg(services.orm, m.organization.orgId, meta, {
      actorUserId: done.userId,
      action: "auth.password_reset",
      entityType: "user",
      entityId: done.userId,
      changes: { revoked_refresh_tokens: done.revoked },
    });
  }
}

/** Proves an address: the account it was sent for is verified (if the address is still its own). Single use. */
export async function verifyEmail(ctx: PublicContext, token: string): Promise<void> {
  const { services, now } = ctx;
  const owner = await findAccountTokenOwner(platformEm(services.orm), hashToken(token), "verify_email");
  if (!owner) throw new AppError("link_invalid");
  const ok = await withUser(services.orm, { userId: owner.userId }, async (tx) => {
    const link = await tx.findOne(
      AccountToken,
      { tokenHash: hashToken(token), purpose: "verify_email" },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    if (!link || link.usedAt || !(now.getTime() < link.expiresAt.getTime())) return false;
    const user = await tx.findOne(User, { id: link.user.id });
    if (!user || user.email !== link.email) return false;
    link.usedAt = now;
    user.emailVerifiedAt ??= now;
    await tx.flush();
    return true;
  });
  if (!ok) throw new AppError("link_invalid");
}
