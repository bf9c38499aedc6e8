import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { RequestHandler } from "express";

export const REQUEST_ID_HEADER = "x-request-id";

/** Ids from proxies (UUIDs, ULIDs, trace ids) pass; anything that could forge log lines or bloat them does not. */
const SANE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:=+/-]{0,127}$/;

export function isSaneRequestId(value: unknown): value is string {
  return typeof value === "string" && SANE_REQUEST_ID.test(value);
}

export type RequestIdOptions = {
  /** Reuse a sane incoming `x-request-id` (set by our proxy or a calling service). Default true. */
  trustIncoming?: boolean;
  generate?: () => string;
};

/**
 * Mount first: every log line and error body of the request carries this id, and the response echoes it in
 * `x-request-id`. pino-http picks it up from `req.id`.
 */
export function requestId(options: RequestIdOptions = {}): RequestHandler {
  const trustIncoming = options.trustIncoming ?? true;
  const generate = options.generate ?? randomUUID;
  return (req, res, next) => {
    const incoming = req.headers[REQUEST_ID_HEADER];
    const id = trustIncoming && isSaneRequestId(incoming) ? incoming : generate();
    req.id = id;
    res.setHeader(REQUEST_ID_HEADER, id);
    next();
  };
}

/** The request's id as set by `requestId()`; `"unknown"` if that middleware did not run. */
export function getRequestId(req: IncomingMessage): string {
  const id: unknown = (req as { id?: unknown }).id;
  return typeof id === "string" ? id : typeof id === "number" ? String(id) : "unknown";
}
