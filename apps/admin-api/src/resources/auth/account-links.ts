import { generateOpaqueToken, hashToken } from "@cleanops/auth";
import { entities, type AccountTokenPurpose } from "@cleanops/db";
import { enqueueMail } from "@cleanops/mail";
import type { EntityManager } from "@mikro-orm/postgresql";
import type { AdminServices } from "../../services.ts";

const { AccountToken } = entities;

/** How long a link works: a reset is short (it takes an account over), a verification gives time to read the mail. */
export const LINK_TTL_MS: Record<AccountTokenPurpose, number> = {
  password_reset: 30 * 60 * 1000,
  verify_email: 7 * 24 * 60 * 60 * 1000,
};

const MAIL: Record<AccountTokenPurpose, { path: string; subject: string; intro: string }> = {
  verify_email: {
    path: "/verify-email",
    subject: "Confirm your email address for CleanOps",
    intro: "Confirm that this address is yours by opening this link (it works once, for 7 days):",
  },
  password_reset: {
    path: "/reset-password",
    subject: "Reset your CleanOps password",
    intro:
      "Someone (hopefully you) asked to reset the password of the CleanOps account of this address. Open this link to choose a new one (it works once, for 30 minutes):",
  },
};

/**
 * A single-use link for `user`, stored as its SHA-256 only, and its mail queued on `em`: both are written by the
 * caller's flush, in the transaction of the change that justifies them. A new reset link replaces the older ones.
 */
export async function issueAccountLink(
  em: EntityManager,
  services: AdminServices,
  input: { userId: string; email: string; purpose: AccountTokenPurpose; now: Date },
): Promise<void> {
  if (input.purpose === "password_reset") {
    await em.nativeUpdate(AccountToken, { user: input.userId, purpose: "password_reset", usedAt: null }, { usedAt: input.now });
  }
  const token = generateOpaqueToken();
  em.create(AccountToken, {
    user: input.userId,
    purpose: input.purpose,
    email: input.email,
    tokenHash: hashToken(token),
    expiresAt: new Date(input.now.getTime() + LINK_TTL_MS[input.purpose]),
  });
  const mail = MAIL[input.purpose];
  const link = `${services.webAppUrl}${mail.path}?token=${token}`;
  enqueueMail(em, {
    kind: input.purpose,
    to: input.email,
    subject: mail.subject,
    text: `Hello,\n\n${mail.intro}\n\n${link}\n\nIf you did not ask for this, ignore this mail.\n`,
  });
}

/** The invitation mail (queued on the org's transaction); the token travels only here when a mail server is set. */
export function queueInvitationMail(
  em: EntityManager,
  services: AdminServices,
  input: { orgId: string; orgName: string; email: string; role: string; token: string },
): void {
  const link = `${services.webAppUrl}/accept-invitation?token=${input.token}`;
  enqueueMail(em, {
    kind: "invitation",
    orgId: input.orgId,
    to: input.email,
    subject: `You are invited to ${input.orgName} on CleanOps`,
    text: `Hello,\n\nYou are invited to join ${input.orgName} on CleanOps as ${input.role}. Open this link to accept (it works once, for 7 days):\n\n${link}\n`,
  });
}
