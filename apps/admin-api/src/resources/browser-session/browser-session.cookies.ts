import { forbidden } from "@cleanops/http";
import type { PublicContext } from "../../kernel/context.ts";

/** The refresh token of a browser sign-in: HttpOnly (script cannot read it), SameSite=Strict, scoped to these routes. */
export const REFRESH_COOKIE = "cleanops_admin_refresh";

/** The header every cookie-authenticated call must carry: a cross-site form cannot set it, and a cross-origin script
 * would need a CORS preflight that admin-api never grants. */
export const CSRF_HEADER = "X-CleanOps-CSRF";

const PREFIX = /^(\/[A-Za-z0-9_-]+)+$/;

/**
 * The cookie's Path: `/auth/session` as admin-api sees it, under the prefix a same-origin proxy mounts it at
 * (admin-web serves admin-api at `/api` and says so in `X-Forwarded-Prefix`). Only a path-shaped prefix is taken.
 */
export function cookiePath(ctx: PublicContext): string {
  const prefix = ctx.request.header("x-forwarded-prefix");
  return `${prefix && PREFIX.test(prefix) ? prefix : ""}/auth/session`;
}

export function refreshCookie(ctx: PublicContext, token: string, expiresAt: Date): string {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - ctx.now.getTime()) / 1000));
  return [
    `${REFRESH_COOKIE}=${token}`,
    `Path=${cookiePath(ctx)}`,
    `Max-Age=${maxAge}`,
    "HttpOnly",
    "SameSite=Strict",
    ...(ctx.request.secure ? ["Secure"] : []),
  ].join("; ");
}

export function clearedCookie(ctx: PublicContext): string {
  return [
    `${REFRESH_COOKIE}=`,
    `Path=${cookiePath(ctx)}`,
    "Max-Age=0",
    "HttpOnly",
    "SameSite=Strict",
    ...(ctx.request.secure ? ["Secure"] : []),
  ].join("; ");
}

/** The refresh token the browser sent, if any (only the token's own alphabet is accepted). */
export function readRefreshCookie(ctx: PublicContext): string | undefined {
  const header = ctx.request.header("cookie");
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== REFRESH_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    return /^[A-Za-z0-9_-]{20,200}$/.test(value) ? value : undefined;
  }
  return undefined;
}

/**
 * CSRF protection of the cookie routes: the custom header must be present, and a browser that labels the request as
 * cross-site (Sec-Fetch-Site) is refused even with it. SameSite=Strict on the cookie is the third layer.
 */
export function requireSameSiteCaller(ctx: PublicContext): void {
  const site = ctx.request.header("sec-fetch-site");
  if (ctx.request.header(CSRF_HEADER) !== "1" || (site !== undefined && site !== "same-origin" && site !== "none")) {
    throw forbidden(`Cookie sessions need the ${CSRF_HEADER}: 1 header from the same origin.`);
  }
}
