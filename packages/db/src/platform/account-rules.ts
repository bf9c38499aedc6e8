import { z } from "zod";

/**
 * The rules an operator (CLI) and a visitor (admin-api sign-up) are held to when they name an org: one definition
 * here, imported by both, so the two doors cannot drift apart.
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
