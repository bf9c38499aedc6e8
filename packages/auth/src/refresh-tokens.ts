import { createHash, randomBytes } from "node:crypto";

export const MIN_OPAQUE_TOKEN_BYTES = 32;

/** A random bearer token, 256 bits by default, base64url (43 characters for 32 bytes). Hand it out; store its hash. */
export function generateOpaqueToken(bytes: number = MIN_OPAQUE_TOKEN_BYTES): string {
  if (!Number.isInteger(bytes) || bytes < MIN_OPAQUE_TOKEN_BYTES) {
    throw new RangeError(`An opaque token needs at least ${MIN_OPAQUE_TOKEN_BYTES} random bytes`);
  }
  return randomBytes(bytes).toString("base64url");
}

/**
 * SHA-256 hex of a token: the only form that is stored, so a leaked table holds nothing a client can present. No salt
 * or slow hash is needed: the input is 256 random bits, not a password, and a plain hash keeps lookup by equality.
 */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** What the store keeps per refresh token (looked up by `hashToken` of the presented token). */
export type RefreshTokenRecord = {
  /** Every token descended from one sign-in shares the family; reuse revokes the whole family. */
  familyId: string;
  /** Set when the token was exchanged for its successor: a token is good for one exchange only. */
  usedAt: Date | null;
  revokedAt: Date | null;
  expiresAt: Date;
};

/**
 * - `rotate`: mark this token used, issue a successor in the same family.
 * - `reuse_detected`: a spent token came back, so two parties hold the family (one of them a thief): the caller
 *   revokes the whole family and refuses.
 * - `expired`, `revoked`: refuse.
 */
export type RefreshDecision = "rotate" | "reuse_detected" | "expired" | "revoked";

/**
 * Decides what to do with a presented refresh token. Reuse is checked before revocation and expiry on purpose: a spent
 * token is evidence of theft whatever else is true of it, and revoking a family twice is harmless.
 * There is no grace period for a client that lost the rotation response; it signs in again.
 */
export function decideRefresh(record: RefreshTokenRecord, now: Date): RefreshDecision {
  if (record.usedAt !== null) return "reuse_detected";
  if (record.revokedAt !== null) return "revoked";
  // Written so that an invalid Date (NaN) on either side counts as expired rather than valid.
  if (!(now.getTime() < record.expiresAt.getTime())) return "expired";
  return "rotate";
}
