import { randomUUID } from "node:crypto";
import { hashPassword, hashToken } from "@cleanops/auth";
import { entities, findAccountByEmail, findInvitationByToken, newPasswordProblem, withUser } from "@cleanops/db";
import { AppError, conflict, notFound, validationFailed } from "@cleanops/http";
import { LockMode, ref, UniqueConstraintViolationException } from "@mikro-orm/postgresql";
import { recordAudit } from "../../audit/audit-log.ts";
import type { RequestMeta } from "../../audit/request-meta.ts";
import { verifyCredentials, type VerifiedUser } from "../auth/credentials.ts";
import { endAllSessions, issueSession, type IssuedSession } from "../auth/session-tokens.ts";
import { platformEm } from "../../platform/platform-em.ts";
import type { AdminServices } from "../../services.ts";

const { Invitation, Membership, Organization, User } = entities;

export type AcceptInput = { token: string; email: string; password: string; name?: string | undefined };

export type AcceptResult = {
  session: IssuedSession;
  user: VerifiedUser;
  org: entities.IOrganization;
  role: entities.IInvitation["role"];
};

/** Why an invitation cannot be redeemed now, checked before and again under the row lock. */
function assertRedeemable(inv: { acceptedAt?: Date | null; revokedAt?: Date | null; expiresAt: Date }, now: Date): void {
  if (inv.acceptedAt || inv.revokedAt) throw new AppError("invitation_used");
  if (!(now.getTime() < inv.expiresAt.getTime())) throw new AppError("invitation_expired");
}

/**
 * Redeems an invitation: the token proves it was received, the email must be the one it was sent to, and the caller
 * proves they own that email's account (its password, throttled like a sign-in) or creates the account. The
 * membership is created (or a revoked one restored) with the invited role, the invitation is spent, and the caller
 * is signed in to the org, all in one transaction scoped to that org with the invitation row locked.
 */
export async function acceptInvitation(services: AdminServices, input: AcceptInput, meta: RequestMeta): Promise<AcceptResult> {
  // The password rules first, for an existing account as for a new one: a 400 must not tell which it is.
  const problem = newPasswordProblem(input.password);
  if (problem) {
    throw validationFailed(undefined, { details: { issues: [{ path: ["password"], code: "too_small", message: problem }] } });
  }
  const em = platformEm(services.orm);
  // The invitation and its org's status by the token's hash (0052's narrow lookup): no org is known yet.
  const found = await findInvitationByToken(em, hashToken(input.token));
  if (!found) throw notFound("No such invitation.");
  assertRedeemable(found, services.now());
  if (input.email !== found.email) throw new AppError("invitation_email_mismatch");
  // Nobody joins a suspended org, as nobody signs in to one.
  if (found.orgStatus !== "active") throw new AppError("org_suspended");

  const existing = await findAccountByEmail(em, input.email);
  let verified: VerifiedUser | undefined;
  let passwordHash: string | undefined;
  // An account whose address was never proven may be a squatter's: the invitation token, which only the mailbox's
  // owner holds, proves the address, so the invitee takes the account back with a password of their own.
  const takeOver = existing !== null && !existing.emailVerifiedAt;
  if (existing && !takeOver) {
    verified = await verifyCredentials(services, { email: input.email, password: input.password }, meta);
  } else {
    passwordHash = await hashPassword(input.password);
  }

  const orgId = found.orgId;
  // The account the transaction acts for: the proven one, the one taken back, or a new one with an id chosen here.
  const userId = verified?.id ?? (takeOver && existing ? existing.id : randomUUID());
  try {
    return await withUser(services.orm, { userId, orgId }, async (tx) => {
      const now = services.now();
      const inv = await tx.findOneOrFail(Invitation, { id: found.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      assertRedeemable(inv, now);
      const user = verified
        ? await tx.findOneOrFail(User, { id: verified.id })
        : takeOver && existing
          ? await tx.findOneOrFail(User, { id: existing.id }, { lockMode: LockMode.PESSIMISTIC_WRITE })
          : tx.create(User, {
              id: userId,
              email: input.email,
              name: input.name ?? null,
              passwordHash: passwordHash ?? null,
              emailVerifiedAt: now,
            });
      let endedSessions = 0;
      if (takeOver) {
        user.passwordHash = passwordHash ?? null;
        user.emailVerifiedAt = now;
        // Whoever held the account before ends here, everywhere; the session issued below is the only one.
        endedSessions = await endAllSessions(tx, user.id, now, { keepThisSecond: true });
      }
      const prior = verified || takeOver ? await tx.findOne(Membership, { organization: orgId, user: user.id }) : null;
      if (prior && !prior.revokedAt) throw conflict("You are already a member of this organization.");
      if (prior) {
        prior.role = inv.role;
        prior.revokedAt = null;
      } else {
        tx.create(Membership, { organization: orgId, user, role: inv.role });
      }
      inv.acceptedAt = now;
      inv.acceptedBy = ref(user);
      recordAudit(tx, meta, {
        actorUserId: user.id,
        action: "invitation.accepted",
        entityType: "invitation",
        entityId: inv.id,
        changes: {
          email: inv.email,
          role: inv.role,
          new_account: !verified && !takeOver,
          restored_membership: prior !== null,
          ...(takeOver ? { took_back_unverified_account: true, ended_sessions: endedSessions } : {}),
        },
      });
      const session = issueSession(tx, services, { userId: user.id, orgId, role: inv.role });
      await tx.flush();
      const org = await tx.findOneOrFail(Organization, orgId);
      return { session, user: { id: user.id, email: user.email, name: user.name ?? null }, org, role: inv.role };
    });
  } catch (err) {
    if (err instanceof UniqueConstraintViolationException)
      throw conflict("An account with this email was just created; sign in and accept again.", { cause: err });
    throw err;
  }
}
