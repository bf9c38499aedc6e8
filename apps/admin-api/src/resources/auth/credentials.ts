import { verifyPassword } from "@cleanops/auth";
import { entities, findAccountByEmail, withUser } from "@cleanops/db";
import { authenticationFailed, rateLimited } from "@cleanops/http";
import { auditInOrg } from "../../audit/audit-log.ts";
import type { RequestMeta } from "../../audit/request-meta.ts";
import { platformEm } from "../../platform/platform-em.ts";
import type { AdminServices } from "../../services.ts";
import { admitAttempt, markSucceeded } from "@cleanops/db";

const { Membership } = entities;

export type VerifiedUser = { id: string; email: string; name: string | null };

/**
 * Proves that whoever calls knows the password of `email`: sign-in, and the sign-up or invitation steps that attach
 * an org to an existing account, all go through here, so they share one throttle and one generic refusal.
 *
 * - Throttled first (429 with Retry-After, no password check), per email and per IP, from `login_attempts`.
 * - An unknown email, a wrong password and a disabled account all answer 401 `invalid_credentials`, after the same
 *   argon2 work (`verifyPassword` spends it for a missing hash too).
 * - Every admitted attempt is counted in `login_attempts` as a failure before the password is checked (under
 *   advisory locks, so a concurrent burst cannot pass the limit), and turned into a success if it proves right. A failure is logged (email, IP, reason; never the password) and,
 *   for a known account, written to `admin_audit_logs` of every org the account is a live member of: each of those
 *   orgs is exposed by the attack. An unknown email belongs to no org and has only the log line.
 */
export async function verifyCredentials(
  services: AdminServices,
  input: { email: string; password: string },
  meta: RequestMeta,
): Promise<VerifiedUser> {
  const em = platformEm(services.orm);
  const now = services.now();
  const { email } = input;
  const admitted = await admitAttempt(em, { email, ip: meta.ip }, now);
  if (admitted.blocked) {
    services.logger.warn({ email, ip: meta.ip, by: admitted.state.by, reqId: meta.requestId }, "sign-in throttled");
    throw rateLimited("Too many failed sign-in attempts. Try again later.", { retryAfterSeconds: admitted.state.retryAfterSeconds });
  }

  // The one narrow lookup that returns a password hash (0052): the app role cannot read users.password_hash.
  const user = await findAccountByEmail(em, email);
  const passwordOk = await verifyPassword(user?.passwordHash ?? null, input.password);
  if (user && passwordOk && !user.disabledAt) {
    await markSucceeded(em, admitted.attemptId);
    return { id: user.id, email: user.email, name: user.name ?? null };
  }
  const reason = !user ? "unknown_email" : !passwordOk ? "wrong_password" : "user_disabled";

  services.logger.warn({ email, ip: meta.ip, reason, reqId: meta.requestId }, "sign-in failed");
  if (user) {
    // Written after the answer, not before it: an extra transaction per org would make a known account's refusal
    // measurably slower than an unknown email's, i.e. tell which emails have accounts.
    const userId = user.id;
    void auditFailedSignIn(services, { userId, email, reason }, meta).catch((err: unknown) =>
      services.logger.error({ err, userId, reqId: meta.requestId }, "could not audit a failed sign-in"),
    );
  }
  throw authenticationFailed("invalid_credentials", { realm: "admin-api" });
}

/** `auth.login_failed` in every org the account has a non-revoked membership in (its disabled flag aside). */
async function auditFailedSignIn(
  services: AdminServices,
  failure: { userId: string; email: string; reason: string },
  meta: RequestMeta,
): Promise<void> {
  const memberships = await withUser(services.orm, { userId: failure.userId }, (em) =>
    em.find(Membership, { user: failure.userId, revokedAt: null }, { fields: ["organization"] }),
  );
  for (const orgId of memberships.map((m) => m.organization.orgId)) {
    await auditInOrg(services.orm, orgId, meta, {
      actorUserId: null,
      action: "auth.login_failed",
      entityType: "user",
      entityId: failure.userId,
      changes: { email: failure.email, reason: failure.reason },
    });
  }
}
