export const TOKEN_ERROR_CODES = [
  "token_missing",
  "token_malformed",
  "token_expired",
  "token_not_yet_valid",
  "token_bad_signature",
  "token_wrong_audience",
  "token_wrong_issuer",
  "token_unknown_key",
  "token_algorithm_refused",
  "token_missing_org",
  "token_invalid_claims",
] as const;

export type TokenErrorCode = (typeof TOKEN_ERROR_CODES)[number];

const MESSAGES: Record<TokenErrorCode, string> = {
  token_missing: "No access token was provided",
  token_malformed: "The access token is not a well-formed JWT",
  token_expired: "The access token has expired",
  token_not_yet_valid: "The access token is not valid yet",
  token_bad_signature: "The access token signature does not match",
  token_wrong_audience: "The access token was issued for another application",
  token_wrong_issuer: "The access token was not issued by CleanOps",
  token_unknown_key: "The access token was signed with a key this server does not hold",
  token_algorithm_refused: "The access token uses a signing algorithm that is not accepted",
  token_missing_org: "The access token carries no organisation (legacy token); sign in again",
  token_invalid_claims: "The access token claims are invalid",
};

/**
 * The one error every refused access token becomes. `code` is stable (clients and logs key on it); the message is
 * for people. The underlying jsonwebtoken error, if any, is kept as `cause` for logs, never for the response.
 */
export class TokenError extends Error {
  override readonly name = "TokenError";
  readonly code: TokenErrorCode;

  constructor(code: TokenErrorCode, options?: { cause?: unknown; detail?: string }) {
    super(options?.detail ? `${MESSAGES[code]}: ${options.detail}` : MESSAGES[code], { cause: options?.cause });
    this.code = code;
  }
}

export function isTokenError(value: unknown): value is TokenError {
  return value instanceof TokenError;
}
