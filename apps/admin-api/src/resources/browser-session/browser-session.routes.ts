import type { Resource } from "../../kernel/resource.ts";
import { publicRoute, route } from "../../kernel/route.ts";
import { LoginBody, SwitchOrgBody } from "../auth/auth.schemas.ts";
import { browserLogin, browserLogout, browserRefresh, browserSwitchOrg } from "./browser-session.actions.ts";
import { BrowserLoginAnswer, BrowserSession } from "./browser-session.schemas.ts";

const tag = "browser-session";

const cookieNote =
  "For browser clients (admin-web): the refresh token travels only in the HttpOnly, SameSite=Strict cookie " +
  "`cleanops_admin_refresh` (Secure over https, Path scoped to /auth/session), never in JSON, so script cannot read it. " +
  "The cookie routes need the `X-CleanOps-CSRF: 1` header.";

export const browserSession: Resource = {
  name: tag,
  publicRoutes: [
    publicRoute({
      method: "post",
      path: "/auth/session",
      tag,
      summary: "Sign in a browser: the access token in the body, the refresh token in an HttpOnly cookie",
      description: cookieNote,
      access: { public: "signing in is how a caller gets a token" },
      body: LoginBody,
      response: BrowserLoginAnswer,
      errors: ["invalid_credentials", "membership_revoked", "rate_limited"],
      handle: (ctx, { body }) => browserLogin(ctx, body),
    }),
    publicRoute({
      method: "post",
      path: "/auth/session/refresh",
      tag,
      summary: "A new access token from the browser's refresh cookie (rotated; CSRF header required)",
      description: cookieNote,
      access: { public: "the refresh cookie is the credential; the access token may have expired" },
      response: BrowserSession,
      errors: ["refresh_token_invalid", "refresh_token_reused", "membership_revoked", "forbidden"],
      handle: (ctx) => browserRefresh(ctx),
    }),
    publicRoute({
      method: "delete",
      path: "/auth/session",
      tag,
      summary: "Sign the browser out: its refresh family is revoked and the cookie cleared (CSRF header required)",
      description: cookieNote,
      access: { public: "the refresh cookie is the credential; signing out must work with an expired access token" },
      status: 204,
      errors: ["forbidden"],
      handle: (ctx) => browserLogout(ctx),
    }),
  ],
  routes: [
    route({
      method: "post",
      path: "/auth/session/switch-org",
      tag,
      summary: "Switch the browser's session to another org you are a member of (a new cookie; the old sign-in ends)",
      description: cookieNote,
      access: { capability: "session.switch_org" },
      body: SwitchOrgBody,
      response: BrowserSession,
      handle: (ctx, { body }) => browserSwitchOrg(ctx, body.org_id),
    }),
  ],
};
