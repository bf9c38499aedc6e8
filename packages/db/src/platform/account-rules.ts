import { MIN_PASSWORD_LENGTH } from "@cleanops/auth";
import { z } from "zod";

/**
 * The rules an operator (CLI) and a visitor (admin-api sign-up, invitations) are held to when they name an org or set
 * a password: one definition here, imported by both, so the two doors cannot drift apart.
 */

/** An org's slug: what `organizations.slug`'s CHECK constraint enforces (the entity declares it from this pattern). */
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const SLUG_RULE = "1-63 lowercase letters, digits and dashes";
export const slugSchema = z.string().regex(SLUG_PATTERN, { error: SLUG_RULE });

/** A slug made from an org's name (accents dropped, anything else becomes a dash), always matching SLUG_PATTERN. */
export function slugify(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63)
    .replace(/-+$/, "");
  return slug || "org";
}

/** The longest password accepted at all, so argon2 is never fed megabytes. */
export const MAX_PASSWORD_LENGTH = 1024;
export const NEW_PASSWORD_RULE = `A new account's password needs at least ${MIN_PASSWORD_LENGTH} characters`;
/** A password being set (not one being checked at sign-in, which any length up to the maximum may be). */
export const newPasswordSchema = z.string().min(MIN_PASSWORD_LENGTH, { error: NEW_PASSWORD_RULE }).max(MAX_PASSWORD_LENGTH);

/** Why a new password is refused, or undefined when it is acceptable. */
export function newPasswordProblem(password: string): string | undefined {
  return newPasswordSchema.safeParse(password).error?.issues[0]?.message;
}
