/**
 * The one table of error codes. A code is part of the public API: clients branch on it, so codes are only ever
 * added, never renamed. The HTTP status follows from the code and nowhere else.
 */
export const ERROR_STATUS = {
  bad_request: 400,
  invalid_json: 400,
  validation_failed: 400,
  unauthorized: 401,
  // A refused access token: the code says why, so a client knows whether to refresh, sign in again or give up.
  token_missing: 401,
  token_malformed: 401,
  token_expired: 401,
  token_not_yet_valid: 401,
  token_bad_signature: 401,
  token_wrong_audience: 401,
  token_wrong_issuer: 401,
  token_unknown_key: 401,
  token_algorithm_refused: 401,
  token_missing_org: 401,
  token_invalid_claims: 401,
  // The token is fine but its membership is not live any more (revoked, user disabled, never a member).
  membership_revoked: 401,
  // One answer for an unknown email and a wrong password, so an account's existence is not disclosed.
  invalid_credentials: 401,
  // The access token was issued before its user signed out everywhere or changed the password: sign in again.
  token_revoked: 401,
  refresh_token_invalid: 401,
  refresh_token_reused: 401,
  forbidden: 403,
  invitation_email_mismatch: 403,
  // The organization is suspended: nobody signs in to it or joins it.
  org_suspended: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  // A unique key of the database refused the write (another row already has these values).
  already_exists: 409,
  last_owner: 409,
  invitation_expired: 410,
  invitation_used: 410,
  // A verification or password-reset link that is unknown, used or expired (one answer for all three).
  link_invalid: 410,
  payload_too_large: 413,
  // The write names a row that does not exist in this org (a foreign key refused it), or breaks a rule of the data.
  invalid_reference: 422,
  constraint_violated: 422,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  service_unavailable: 503,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** What a client reads when the thrower gave no message of its own. */
export const DEFAULT_ERROR_MESSAGE = {
  bad_request: "The request is invalid.",
  invalid_json: "The request body is not valid JSON.",
  validation_failed: "The request failed validation.",
  unauthorized: "Authentication is required.",
  token_missing: "No access token was provided.",
  token_malformed: "The access token is not a well-formed JWT.",
  token_expired: "The access token has expired.",
  token_not_yet_valid: "The access token is not valid yet.",
  token_bad_signature: "The access token signature does not match.",
  token_wrong_audience: "The access token was issued for another application.",
  token_wrong_issuer: "The access token was not issued by CleanOps.",
  token_unknown_key: "The access token was signed with a key this server does not hold.",
  token_algorithm_refused: "The access token uses a signing algorithm that is not accepted.",
  token_missing_org: "The access token carries no organisation (legacy token); sign in again.",
  token_invalid_claims: "The access token claims are invalid.",
  membership_revoked: "You have no active membership in this organization.",
  invalid_credentials: "The email or password is incorrect.",
  token_revoked: "The access token was revoked (signed out everywhere or password changed); sign in again.",
  refresh_token_invalid: "The refresh token is unknown, expired or revoked; sign in again.",
  refresh_token_reused: "The refresh token was already used; every session of this sign-in has been revoked.",
  forbidden: "You are not allowed to do this.",
  invitation_email_mismatch: "This invitation was sent to another email address.",
  org_suspended: "This organization is suspended.",
  not_found: "The requested resource was not found.",
  method_not_allowed: "This method is not allowed here.",
  conflict: "The request conflicts with the current state of the resource.",
  already_exists: "A record with these values already exists.",
  last_owner: "An organization keeps at least one owner: transfer ownership first.",
  invitation_expired: "The invitation has expired; ask for a new one.",
  invitation_used: "The invitation was already used or withdrawn.",
  link_invalid: "This link is unknown, already used or expired; ask for a new one.",
  payload_too_large: "The request body is too large.",
  invalid_reference: "The request refers to a record that does not exist.",
  constraint_violated: "The request breaks a rule of the data.",
  unsupported_media_type: "The request body's media type or encoding is not supported.",
  rate_limited: "Too many requests. Try again later.",
  internal: "Something went wrong on our side.",
  service_unavailable: "The service is temporarily unavailable.",
} as const satisfies Record<ErrorCode, string>;

export function statusForCode(code: ErrorCode): number {
  return ERROR_STATUS[code];
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.hasOwn(ERROR_STATUS, value);
}
