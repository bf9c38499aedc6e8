import type { Request, Response } from "express";

export const SESSION_COOKIE = "wp_session";

/** The value of one cookie of the request (no cookie-parser: two cookies do not need a dependency). */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (typeof header !== "string") return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export function readSessionToken(req: Request): string | undefined {
  return readCookie(req, SESSION_COOKIE);
}

/**
 * The access token in an HttpOnly cookie (page scripts cannot read it), SameSite=Lax (no cross-site POST carries
 * it), Secure unless configured off for plain-HTTP development; it lives exactly as long as the token.
 */
export function setSessionCookie(res: Response, token: string, options: { secure: boolean; maxAgeSeconds: number }): void {
  res.cookie(SESSION_COOKIE, token, {
    httpOnly: true,
    secure: options.secure,
    sameSite: "lax",
    path: "/",
    maxAge: options.maxAgeSeconds * 1000,
  });
}

export function clearSessionCookie(res: Response, options: { secure: boolean }): void {
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, secure: options.secure, sameSite: "lax", path: "/" });
}
