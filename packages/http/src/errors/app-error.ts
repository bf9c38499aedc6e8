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
  /** A code of the shared table (ErrorCode), or one a resource module owns (see `defineErrorCodes`). */
  readonly code: ErrorCode | ModuleErrorCode;
  readonly status: number;
  readonly details: ErrorDetails | undefined;
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: ErrorCode, message?: string, options?: AppErrorOptions);
  constructor(code: ModuleErrorCode, message: string, options: AppErrorOptions & { status: number });
  constructor(code: ErrorCode | ModuleErrorCode, message?: string, options: AppErrorOptions & { status?: number } = {}) {
    const shared = isSharedCode(code) ? code : undefined;
    super(message ?? (shared ? DEFAULT_ERROR_MESSAGE[shared] : code), options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = shared ? ERROR_STATUS[shared] : (options.status ?? 500);
    this.details = options.details;
    this.headers = options.headers ?? {};
  }
}

/** A code owned by one resource module (e.g. `booking_conflict`), declared with its status by `defineErrorCodes`. */
export type ModuleErrorCode = string & { readonly __moduleErrorCode?: never };

function isSharedCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_STATUS, code);
}

export type ModuleErrorDefinition = { status: 400 | 403 | 404 | 409 | 410 | 422 | 423; message: string };

/** Every module code declared so far, with its status and default message: the OpenAPI document lists them. */
export const MODULE_ERROR_CODES = new Map<string, ModuleErrorDefinition>();

/**
 * The error codes a resource module owns (twenty's per-module exceptions), merged into the app's table: clients
 * branch on the code, so a code is declared once, with its status, and never collides with a shared one.
 */
export function defineErrorCodes<const T extends Record<string, ModuleErrorDefinition>>(
  definitions: T,
): { [K in keyof T]: (message?: string, options?: AppErrorOptions) => AppError } {
  const out: Record<string, (message?: string, options?: AppErrorOptions) => AppError> = {};
  for (const [code, def] of Object.entries(definitions)) {
    if (isSharedCode(code)) throw new TypeError(`Error code ${code} is already a shared code`);
    const known = MODULE_ERROR_CODES.get(code);
    if (known && known.status !== def.status) throw new TypeError(`Error code ${code} is declared twice with different statuses`);
    MODULE_ERROR_CODES.set(code, def);
    out[code] = (message, options = {}) => new AppError(code, message ?? def.message, { ...options, status: def.status });
  }
  return out as { [K in keyof T]: (message?: string, options?: AppErrorOptions) => AppError };
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
