import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestHandler } from "express";
import type { Logger } from "pino";
import { pinoHttp } from "pino-http";

const REDACTED = "[redacted]";

/** Credentials travel in these; they never reach a log line. */
const SECRET_REQUEST_HEADERS = ["authorization", "proxy-authorization", "cookie", "x-api-key"] as const;
const SECRET_RESPONSE_HEADERS = ["set-cookie"] as const;

type Headers = Record<string, unknown>;

function redactHeaders(headers: unknown, names: readonly string[]): unknown {
  if (headers === null || typeof headers !== "object") return headers;
  const copy: Headers = { ...(headers as Headers) };
  for (const name of names) {
    if (name in copy) copy[name] = REDACTED;
  }
  return copy;
}

function withRedactedHeaders<T>(serialized: T, names: readonly string[]): T {
  if (serialized === null || typeof serialized !== "object" || !("headers" in serialized)) return serialized;
  return { ...serialized, headers: redactHeaders(serialized.headers, names) };
}

export type RequestLoggerOptions = {
  logger: Logger;
  /** Paths whose successful requests are not logged (probes hit them every few seconds). Failures always are. */
  quietPaths?: readonly string[];
  /** Rewrites a path before it is logged (e.g. `/i/<token>` → `/i/[redacted]`). */
  redactPath?: (path: string) => string;
};

/**
 * The request as logged: the path without its query string (a client that puts a token in a URL must not leak it to
 * the logs; the query's keys are kept, their values are not), secret headers redacted, and `params`/`query` dropped.
 */
function serializeRequest(req: unknown, redactPath: (path: string) => string): unknown {
  const redacted = withRedactedHeaders(req, SECRET_REQUEST_HEADERS);
  if (redacted === null || typeof redacted !== "object") return redacted;
  const { url, query: _query, params: _params, ...rest } = redacted as Record<string, unknown>;
  if (typeof url !== "string") return rest;
  const q = url.indexOf("?");
  const path = redactPath(q === -1 ? url : url.slice(0, q));
  const keys = q === -1 ? [] : [...new URLSearchParams(url.slice(q + 1)).keys()];
  return { ...rest, url: keys.length === 0 ? path : `${path}?${keys.map((k) => `${k}=${REDACTED}`).join("&")}` };
}

/**
 * A redirect's `Location` as logged: its path through `redactPath` and its query's values dropped, like the request
 * URL, since a redirect can carry the same secrets (an invoice link's token in a payment's return URL).
 */
function redactLocation(value: unknown, redactPath: (path: string) => string): unknown {
  if (typeof value !== "string") return value;
  try {
    const absolute = /^[a-z][a-z0-9+.-]*:/i.test(value);
    const u = new URL(value, "http://relative.invalid");
    const keys = [...u.searchParams.keys()];
    const query = keys.length === 0 ? "" : `?${keys.map((k) => `${k}=${REDACTED}`).join("&")}`;
    return `${absolute ? u.origin : ""}${redactPath(u.pathname)}${query}`;
  } catch {
    return REDACTED;
  }
}

function serializeResponse(res: unknown, redactPath: (path: string) => string): unknown {
  const redacted = withRedactedHeaders(res, SECRET_RESPONSE_HEADERS);
  if (redacted === null || typeof redacted !== "object" || !("headers" in redacted)) return redacted;
  const headers = redacted.headers;
  if (headers === null || typeof headers !== "object" || !("location" in headers)) return redacted;
  return { ...redacted, headers: { ...headers, location: redactLocation(headers.location, redactPath) } };
}

/** Errors → error. Probe paths: silent when fine, warn when not ready (the probe logs why). Others by status. */
export function logLevelFor(status: number, err: unknown, quiet: boolean): "silent" | "info" | "warn" | "error" {
  if (err !== undefined) return "error";
  if (quiet) return status < 400 ? "silent" : "warn";
  if (status >= 500) return "error";
  if (status >= 400) return "warn";
  return "info";
}

/**
 * For a 5xx without an error, pino-http logs a made-up `Error("failed with status code N")` whose stack points into
 * pino-http. Drop it: real errors arrive as `res.err` (set by errorHandler) or from the response's 'error' event.
 */
function withoutSyntheticError(res: ServerResponse, error: Error, fields: Record<string, unknown>): Record<string, unknown> {
  if (res.err === undefined && error.message === `failed with status code ${res.statusCode}`) {
    const { err: _synthetic, ...rest } = fields;
    return rest;
  }
  return fields;
}

/**
 * pino-http request logging: one line per finished request (info / warn for 4xx / error for 5xx, with the request
 * id), `req.log` for handlers. Authorization and cookie headers are redacted by serializers rather than by pino
 * `redact`, so the app logger's own redaction stays in force for everything logged through `req.log`.
 */
export function requestLogger(options: RequestLoggerOptions): RequestHandler {
  const quietPaths = new Set(options.quietPaths ?? []);
  const redactPath = options.redactPath ?? ((path: string) => path);
  const middleware = pinoHttp<IncomingMessage, ServerResponse>({
    logger: options.logger,
    quietReqLogger: true,
    serializers: {
      req: (req: unknown) => serializeRequest(req, redactPath),
      res: (res: unknown) => serializeResponse(res, redactPath),
    },
    customLogLevel: (req, res, err) => logLevelFor(res.statusCode, err ?? res.err, quietPaths.has(pathOf(req))),
    customErrorObject: (_req, res, error, fields: Record<string, unknown>) => withoutSyntheticError(res, error, fields),
  });
  return (req, res, next) => {
    middleware(req, res, next);
  };
}

function pathOf(req: IncomingMessage): string {
  // Express rewrites req.url inside mounted routers; originalUrl is the path the client asked for.
  const url = (req as { originalUrl?: string }).originalUrl ?? req.url ?? "/";
  const q = url.indexOf("?");
  return q === -1 ? url : url.slice(0, q);
}

/** The request's pino-http logger (bound to its id) when `requestLogger()` ran, else the fallback. */
export function loggerFor(req: IncomingMessage, fallback: Logger): Logger;
export function loggerFor(req: IncomingMessage, fallback?: Logger): Logger | undefined;
export function loggerFor(req: IncomingMessage, fallback?: Logger): Logger | undefined {
  return (req as { log?: Logger }).log ?? fallback;
}
