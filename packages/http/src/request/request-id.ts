import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { RequestHandler } from "express";

export const REQUEST_ID_HEADER = "x-request-id";
/** A client's own (well-formed) id for the request, echoed back so it can match our id to its own. */
export const CLIENT_REQUEST_ID_HEADER = "x-client-request-id";

/** Ids from proxies (UUIDs, ULIDs, trace ids) pass; anything that could forge log lines or bloat them does not. */
const SANE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:=+/-]{0,127}$/;

export function isSaneRequestId(value: unknown): value is string {
  return typeof value === "string" && SANE_REQUEST_ID.test(value);
}

export type RequestIdOptions = {
  /** Echo a well-formed incoming `x-request-id` back as `x-client-request-id` (never used as our id). Default true. */
  trustIncoming?: boolean;
  generate?: () => string;
};

/**
 * Mount first: every log line, audit row and error body of the request carries this id, and the response sends it in
 * `x-request-id`. pino-http picks it up from `req.id`.
 *
 * The id is always our own: a client's id cannot be trusted to be unique (two clients, or one replaying, would share
 * it, and log lines or audit rows of different requests would look like one). A well-formed incoming id is kept for
 * correlation only: echoed as `x-client-request-id` (and logged with the request's headers); a malformed one is
 * dropped.
 */
export function requestId(options: RequestIdOptions = {}): RequestHandler {
  const trustIncoming = options.trustIncoming ?? true;
  const generate = options.generate ?? randomUUID;
  return (req, res, next) => {
    const incoming = req.headers[REQUEST_ID_HEADER];
    const id = generate();
    req.id = id;
    res.setHeader(REQUEST_ID_HEADER, id);
    if (trustIncoming && isSaneRequestId(incoming)) res.setHeader(CLIENT_REQUEST_ID_HEADER, incoming);
    next();
  };
}

/** The request's id as set by `requestId()`; `"unknown"` if that middleware did not run. */
export function getRequestId(req: IncomingMessage): string {
  const id: unknown = (req as { id?: unknown }).id;
  return typeof id === "string" ? id : typeof id === "number" ? String(id) : "unknown";
}
