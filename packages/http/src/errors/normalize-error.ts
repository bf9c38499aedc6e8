import { $ZodError } from "zod/v4/core";
import { AppError, type ErrorDetails } from "./app-error.ts";
import { DEFAULT_ERROR_MESSAGE, ERROR_STATUS, type ErrorCode } from "./error-codes.ts";

/** The `error` member of every error response body. */
export type ErrorBody = {
  code: string;
  message: string;
  details?: ErrorDetails;
};

export type NormalizedError = {
  status: number;
  body: ErrorBody;
  headers: Readonly<Record<string, string>>;
  /** True when the error is a bug or an outage rather than the client's mistake: it must be logged with its stack. */
  unexpected: boolean;
};

export type FieldIssue = { path: (string | number)[]; code: string; message: string };

/** body-parser / raw-body (http-errors) failures, keyed by their stable `type`. */
const BODY_ERROR_CODES: Readonly<Record<string, ErrorCode>> = {
  "entity.parse.failed": "invalid_json",
  "entity.too.large": "payload_too_large",
  "parameters.too.many": "payload_too_large",
  "encoding.unsupported": "unsupported_media_type",
  "charset.unsupported": "unsupported_media_type",
  "request.aborted": "bad_request",
  "request.size.invalid": "bad_request",
};

const CLIENT_STATUS_CODES: Readonly<Record<number, ErrorCode>> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  409: "conflict",
  413: "payload_too_large",
  415: "unsupported_media_type",
  429: "rate_limited",
};

function fromCode(code: ErrorCode, message?: string, details?: ErrorDetails): NormalizedError {
  const body: ErrorBody = { code, message: message ?? DEFAULT_ERROR_MESSAGE[code] };
  if (details !== undefined) body.details = details;
  return { status: ERROR_STATUS[code], body, headers: {}, unexpected: ERROR_STATUS[code] >= 500 };
}

export function zodIssues(err: $ZodError): FieldIssue[] {
  // Only path, code and message: zod can carry the offending input, which must not be echoed back.
  return err.issues.map((issue) => ({
    path: issue.path.map((p) => (typeof p === "number" ? p : String(p))),
    code: issue.code,
    message: issue.message,
  }));
}

/**
 * PostgreSQL's integrity errors (SQLSTATE class 23), as pg or MikroORM raise them: the client's write broke a key or
 * a rule, which is a 409/422 with the constraint's name, never a 500. The row values PostgreSQL puts in `detail` are
 * not sent (they may be another org's, or a secret).
 */
function fromDatabaseError(err: unknown): NormalizedError | undefined {
  if (!(err instanceof Error)) return undefined;
  const { code, constraint } = err as { code?: unknown; constraint?: unknown };
  if (typeof code !== "string") return undefined;
  // Class 22 (data exception): a value PostgreSQL cannot store, e.g. a NUL byte in text or an out-of-range number
  // that got past validation. The client's input, so a 400, never a 500 with a stack in the log.
  if (code.startsWith("22")) return fromCode("bad_request", "The request contains a value that cannot be stored.");
  if (!code.startsWith("23")) return undefined;
  const details = typeof constraint === "string" && constraint !== "" ? { constraint } : undefined;
  switch (code) {
    case "23505":
    case "23P01":
      return fromCode("already_exists", undefined, details);
    case "23503":
      return fromCode("invalid_reference", undefined, details);
    default:
      return fromCode("constraint_violated", undefined, details);
  }
}

type HttpErrorLike = { status: number; expose?: unknown; type?: unknown };

function isHttpErrorLike(err: unknown): err is HttpErrorLike {
  return err instanceof Error && typeof (err as { status?: unknown }).status === "number";
}

/**
 * Maps anything a handler or middleware can throw to the response a client sees. Only AppError messages and
 * validation issues travel to the client; everything unrecognized becomes a generic `internal`.
 */
export function normalizeError(err: unknown): NormalizedError {
  if (err instanceof AppError) {
    if (err.code === "internal") return { ...fromCode("internal"), headers: err.headers };
    const body: ErrorBody = { code: err.code, message: err.message };
    if (err.details !== undefined) body.details = err.details;
    return { status: err.status, body, headers: err.headers, unexpected: err.status >= 500 };
  }
  const database = fromDatabaseError(err);
  if (database) return database;
  if (err instanceof $ZodError) {
    return fromCode("validation_failed", undefined, { issues: zodIssues(err) });
  }
  if (isHttpErrorLike(err)) {
    const byType = typeof err.type === "string" ? BODY_ERROR_CODES[err.type] : undefined;
    if (byType) return fromCode(byType);
    if (err.expose === true && err.status >= 400 && err.status < 500) {
      return fromCode(CLIENT_STATUS_CODES[err.status] ?? "bad_request");
    }
  }
  return fromCode("internal");
}
