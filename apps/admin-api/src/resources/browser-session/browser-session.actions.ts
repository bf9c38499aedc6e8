import { authenticationFailed, RawResponse } from "@cleanops/http";
import type { z } from "zod";
import type { AdminContext, PublicContext } from "../../kernel/context.ts";
import { login, logout, refresh, switchOrg } from "../auth/auth.actions.ts";
import type { LoginBody } from "../auth/auth.schemas.ts";
import { clearedCookie, readRefreshCookie, refreshCookie, requireSameSiteCaller } from "./browser-session.cookies.ts";

type SessionJson = Awaited<ReturnType<typeof refresh>>;

const json = (body: unknown, headers: Record<string, string> = {}) =>
  new RawResponse(Buffer.from(JSON.stringify(body)), {
    "Content-Type": "application/json; charset=utf-8",
    "Cache-Control": "no-store",
    ...headers,
  });

/** The session JSON without its refresh token, which goes into the cookie instead. */
function withCookie(ctx: PublicContext, session: SessionJson): RawResponse {
  const { refresh_token, ...rest } = session;
  return json(rest, { "Set-Cookie": refreshCookie(ctx, refresh_token, new Date(session.refresh_token_expires_at)) });
}

/** Password sign-in for a browser (the same checks, throttle and audit as /auth/login). */
export async function browserLogin(ctx: PublicContext, body: z.output<typeof LoginBody>): Promise<RawResponse> {
  const answer = await login(ctx, body);
  if ("org_required" in answer) return json(answer);
  return withCookie(ctx, answer);
}

/** Rotates the cookie's refresh token (each works once; a replay revokes the family, as /auth/refresh does). */
export async function browserRefresh(ctx: PublicContext): Promise<RawResponse> {
  requireSameSiteCaller(ctx);
  const token = readRefreshCookie(ctx);
  if (!token) throw authenticationFailed("refresh_token_invalid", { realm: "admin-api", message: "No browser session." });
  return withCookie(ctx, await refresh(ctx, token));
}

/** Ends the browser's sign-in and clears its cookie; the same answer with or without one. */
export async function browserLogout(ctx: PublicContext): Promise<RawResponse> {
  requireSameSiteCaller(ctx);
  const token = readRefreshCookie(ctx);
  if (token) await logout(ctx, token);
  return new RawResponse(Buffer.alloc(0), { "Set-Cookie": clearedCookie(ctx), "Cache-Control": "no-store" });
}

/** Switches the browser to another of the caller's orgs: a new sign-in there, and the old one in the cookie ends. */
// No CSRF header needed here: the bearer access token (which a cross-site page cannot attach) authenticates the call.
export async function browserSwitchOrg(ctx: AdminContext, orgId: string): Promise<RawResponse> {
  const session = await switchOrg(ctx, orgId);
  const previous = readRefreshCookie(ctx);
  if (previous) await logout(ctx, previous);
  return withCookie(ctx, session);
}
