import type { IncomingMessage } from "node:http";

const BEARER = /^Bearer[ ]+([^\s]+)[ ]*$/i;

/** The token of `Authorization: Bearer <token>`, or undefined when the header is absent or of another scheme. */
export function readBearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (typeof header !== "string") return undefined;
  return BEARER.exec(header)?.[1];
}
