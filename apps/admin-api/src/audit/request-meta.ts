import { getRequestId } from "@cleanops/http";
import type { Request } from "express";

/** Where a request came from, as the audit log and the login throttle record it. */
export type RequestMeta = { ip: string | null; requestId: string };

export function requestMeta(req: Request): RequestMeta {
  // req.ip honours the app's "trust proxy" setting: behind an unknown proxy it is the proxy, never a spoofable header.
  return { ip: req.ip ?? null, requestId: getRequestId(req) };
}
