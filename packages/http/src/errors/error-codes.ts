/**
 * The one table of error codes. A code is part of the public API: clients branch on it, so codes are only ever
 * added, never renamed. The HTTP status follows from the code and nowhere else.
 */
export const ERROR_STATUS = {
  bad_request: 400,
  invalid_json: 400,
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
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
  forbidden: "You are not allowed to do this.",
  not_found: "The requested resource was not found.",
  method_not_allowed: "This method is not allowed here.",
  conflict: "The request conflicts with the current state of the resource.",
  payload_too_large: "The request body is too large.",
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
