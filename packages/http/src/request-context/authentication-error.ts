import { AppError } from "../errors/app-error.ts";
import type { ERROR_STATUS, ErrorCode } from "../errors/error-codes.ts";

/** The codes that answer 401: a missing or refused credential. */
export type AuthenticationErrorCode = {
  [K in ErrorCode]: (typeof ERROR_STATUS)[K] extends 401 ? K : never;
}[ErrorCode];

/**
 * A 401 with the RFC 6750 challenge: no credential → `Bearer realm`, a refused one → `error="invalid_token"`, so a
 * generic HTTP client knows to refresh or sign in again. The code (e.g. `token_expired`) says which.
 */
export function authenticationFailed(
  code: AuthenticationErrorCode,
  options: { realm: string; message?: string; cause?: unknown },
): AppError {
  const challenge = code === "token_missing" ? `Bearer realm="${options.realm}"` : `Bearer realm="${options.realm}", error="invalid_token"`;
  return new AppError(code, options.message, {
    headers: { "WWW-Authenticate": challenge },
    ...(options.cause === undefined ? {} : { cause: options.cause }),
  });
}
