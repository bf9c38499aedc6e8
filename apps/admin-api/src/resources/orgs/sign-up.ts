import { randomUUID } from "node:crypto";
import { hashPassword } from "@cleanops/auth";
import {
  admitSignUp,
  createOrganization,
  emSqlRunner,
  entities,
  findAccountByEmail,
  findOrgBySlug,
  newPasswordProblem,
  PlatformInputError,
  slugify,
  withUser,
} from "@cleanops/db";
import { conflict, rateLimited, validationFailed } from "@cleanops/http";
import { UniqueConstraintViolationException } from "@mikro-orm/postgresql";
import { recordAudit } from "../../audit/audit-log.ts";
import type { RequestMeta } from "../../audit/request-meta.ts";
import { verifyCredentials } from "../auth/credentials.ts";
import { issueAccountLink } from "../auth/account-links.ts";
import { issueSession, type IssuedSession } from "../auth/session-tokens.ts";
import { platformEm } from "../../platform/platform-em.ts";
import type { AdminServices } from "../../services.ts";

const { Membership, Organization, User } = entities;

const slugTaken = (slug: string) => conflict(`The slug "${slug}" is taken.`, { details: { field: "slug" } });

export type SignUpInput = {
  organization: { name: string; slug?: string | undefined };
  owner: { email: string; password: string; name?: string | undefined };
};

export type SignUpResult = {
  org: entities.IOrganization;
  user: { id: string; email: string; name: string | null };
  session: IssuedSession;
};

/**
 * A new org with its owner, billing stub (free plan) and invoice numbering, and the owner signed in to it.
 *
 * Everything is written in ONE transaction scoped to the new org and acting as its owner (`withUser` with ids chosen
 * here): the platform rows (organization, billing, user, membership, refresh token) and the org's first business rows
 * (its invoice sequence, the audit entry), which row-level security only lets in once `app.current_org` and
 * `app.current_user` name them.
 *
 * An email that already has an account must come with that account's password (checked like a sign-in: throttled,
 * generic refusal); the account then owns one more org. A new email gets a new, unverified account and a
 * verification mail.
 *
 * No answer may tell whether an email has an account before the password is checked: everything that does not depend
 * on the account (the body, the password rules, the per-client sign-up limit, the slug) is checked first, the same for
 * both, and both paths then spend one argon2 operation (a verify for an account, a hash for a new one).
 */
export async function signUp(services: AdminServices, input: SignUpInput, meta: RequestMeta): Promise<SignUpResult> {
  const email = input.owner.email;
  const slug = input.organization.slug ?? slugify(input.organization.name);
  const problem = newPasswordProblem(input.owner.password);
  if (problem) {
    throw validationFailed(undefined, { details: { issues: [{ path: ["owner", "password"], code: "too_small", message: problem }] } });
  }
  const platform = platformEm(services.orm);
  const admitted = await admitSignUp(platform, meta.ip, services.now());
  if (admitted.blocked) {
    services.logger.warn({ ip: meta.ip, reqId: meta.requestId }, "sign-up throttled");
    throw rateLimited("Too many sign-ups from your network. Try again later.", { retryAfterSeconds: admitted.retryAfterSeconds });
  }
  if (await findOrgBySlug(platform, slug)) throw slugTaken(slug);

  const existing = await findAccountByEmail(platform, email);
  const user = existing ? await verifyCredentials(services, { email, password: input.owner.password }, meta) : undefined;
  const passwordHash = user ? undefined : await hashPassword(input.owner.password);
  const orgId = randomUUID();
  // Both ids are chosen here, so the one transaction acts as the owner in the new org from its first statement.
  const userId = user?.id ?? randomUUID();

  try {
    const result = await withUser(services.orm, { userId, orgId }, async (em) => {
      try {
        await createOrganization(emSqlRunner(em), { id: orgId, name: input.organization.name, slug });
      } catch (err) {
        if (err instanceof PlatformInputError && err.code === "conflict") throw slugTaken(slug);
        throw err;
      }
      const org = await em.findOneOrFail(Organization, { orgId });
      const owner = user
        ? em.getReference(User, user.id)
        : em.create(User, { id: userId, email, name: input.owner.name ?? null, passwordHash: passwordHash ?? null });
      em.create(Membership, { organization: org, user: owner, role: "owner" });
      // The account exists before its verification mail is queued: the outbox's policy checks the address is its own.
      await em.flush();
      recordAudit(em, meta, {
        actorUserId: owner.id,
        action: "org.created",
        entityType: "organization",
        entityId: orgId,
        changes: { after: { name: org.name, slug }, owner: { user_id: owner.id, email, new_account: !user } },
      });
      // A new account starts unverified: the link goes to the address, in this transaction's outbox.
      if (!user) await issueAccountLink(em, services, { userId: owner.id, email, purpose: "verify_email", now: services.now() });
      const session = issueSession(em, services, { userId: owner.id, orgId, role: "owner" });
      await em.flush();
      return { org, user: user ?? { id: owner.id, email, name: input.owner.name ?? null }, session };
    });
    // After the commit: the sender finds the verification mail.
    if (!user) services.outbox.kick();
    return result;
  } catch (err) {
    // Two sign-ups racing for one slug or one new email: the loser gets the same answer as if it had come second.
    if (err instanceof UniqueConstraintViolationException)
      throw conflict("This organization slug or email was just taken.", { cause: err });
    throw err;
  }
}
