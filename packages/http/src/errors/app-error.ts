import { DEFAULT_ERROR_MESSAGE, ERROR_STATUS, type ErrorCode } from "./error-codes.ts";

/** Extra, client-safe context serialized as `error.details`, e.g. `{ issues: [...] }` or `{ invoice_id }`. */
export type ErrorDetails = Readonly<Record<string, unknown>>;

export type AppErrorOptions = {
  details?: ErrorDetails;
  /** Response headers that belong to this error, e.g. `Retry-After` for `rate_limited`. */
  headers?: Readonly<Record<string, string>>;
  /** The underlying error: logged, never sent to the client. */
  cause?: unknown;
};

/**
 * The one error type handlers throw on purpose. Its message and details are written for the client; anything that
 * must stay server-side goes in `cause`. Code `internal` is the exception: its message is never sent.
 */
export class AppError extends Error {
  override readonly name = "AppError";
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: ErrorDetails | undefined;
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: ErrorCode, message?: string, options: AppErrorOptions = {}) {
    super(message ?? DEFAULT_ERROR_MESSAGE[code], options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.details = options.details;
    this.headers = options.headers ?? {};
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

type AppErrorFactory = (message?: string, options?: AppErrorOptions) => AppError;

function factory(code: ErrorCode): AppErrorFactory {
  return (message, options) => new AppError(code, message, options);
}

export const badRequest = factory("bad_request");
export const validationFailed = factory("validation_failed");
export const unauthorized = factory("unauthorized");
export const forbidden = factory("forbidden");
export const notFound = factory("not_found");
export const conflict = factory("conflict");
export const internalError = factory("internal");
export const serviceUnavailable = factory("service_unavailable");

/** `rate_limited` with a `Retry-After` header when the caller knows when to come back. */
export function rateLimited(message?: string, options: AppErrorOptions & { retryAfterSeconds?: number } = {}): AppError {
  const { retryAfterSeconds, ...rest } = options;
  const headers =
    retryAfterSeconds === undefined ? rest.headers : { ...rest.headers, "Retry-After": String(Math.max(0, Math.ceil(retryAfterSeconds))) };
  return new AppError("rate_limited", message, { ...rest, ...(headers ? { headers } : {}) });
}
