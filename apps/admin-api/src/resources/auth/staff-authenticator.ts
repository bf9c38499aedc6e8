import { verifyAccessToken, type AccessTokenVerification, type KeyRing, type TokenErrorCode } from "@cleanops/auth";
import { findLiveMembershipRecord, parseRole, type Role } from "@cleanops/db";
import { authenticationFailed, readBearerToken, type AuthenticationErrorCode, type OrgIdentity } from "@cleanops/http";
import type { MikroORM } from "@mikro-orm/postgresql";
import type { Request } from "express";
import type { StaffPrincipal } from "../../authz/staff-access.ts";

export const ADMIN_API_AUDIENCE = "admin-api";

// Every refusal of @cleanops/auth is a 401 code of @cleanops/http: this fails to compile the day one is not.
const asAuthCode = (code: TokenErrorCode): AuthenticationErrorCode => code;

/**
 * Who is calling admin-api: a valid admin-api access token (HS256, our issuer, this audience, an org_id), and then a
 * LIVE membership of its `sub` in its `org_id`, read from the database on every request. The role is the
 * membership's current role; the token's `role` claim is never used, so a demotion or a revocation takes effect on
 * the very next request, whatever tokens are still in circulation. A token issued before its user's
 * `tokens_valid_after` (sign out everywhere, a password change or reset) is refused the same way.
 */
/**
 * The request's bearer token checked once: the turns between orgs (app.ts) take the org from it before the
 * authenticator runs, and the authenticator reuses the answer instead of checking the signature again.
 */
export function staffTokenOf(deps: { keyRing: KeyRing; now: () => Date }) {
  const checked = new WeakMap<Request, AccessTokenVerification>();
  return (req: Request): AccessTokenVerification => {
    let verified = checked.get(req);
    if (!verified) {
      verified = verifyAccessToken(readBearerToken(req), { keyRing: deps.keyRing, audience: ADMIN_API_AUDIENCE, now: deps.now() });
      checked.set(req, verified);
    }
    return verified;
  };
}

export function staffAuthenticator(deps: { orm: MikroORM; tokenOf: (req: Request) => AccessTokenVerification }) {
  return async (req: Request): Promise<OrgIdentity<StaffPrincipal, Role>> => {
    const verified = deps.tokenOf(req);
    if (!verified.ok) {
      throw authenticationFailed(asAuthCode(verified.error.code), {
        realm: ADMIN_API_AUDIENCE,
        message: verified.error.message,
        cause: verified.error,
      });
    }
    const { sub, orgId, issuedAt } = verified.claims;
    // One statement, no transaction (0052's find_live_membership: the platform tables' row-level security needs the
    // org and user set, and this answers exactly "is this user a live member of this org"): one round trip per request.
    // sub and org_id are UUIDs: verifyAccessToken refuses any other claim.
    const live = await findLiveMembershipRecord(deps.orm.em, sub, orgId);
    if (!live) throw authenticationFailed("membership_revoked", { realm: ADMIN_API_AUDIENCE });
    // Signed out everywhere (or the password changed) after this token was issued: it stops working now, not at exp.
    if (live.tokensValidAfter && issuedAt.getTime() < live.tokensValidAfter.getTime()) {
      throw authenticationFailed("token_revoked", { realm: ADMIN_API_AUDIENCE });
    }
    return {
      principal: { userId: sub, email: live.email, name: live.name, membershipId: live.membershipId },
      orgId,
      role: parseRole(live.role),
    };
  };
}
