import { z } from "zod";
import type { Resource } from "../../kernel/resource.ts";
import { publicRoute, route } from "../../kernel/route.ts";
import { changePassword, login, logout, logoutAll, me, refresh, switchOrg } from "./auth.actions.ts";
import { ChangePasswordBody, LoginBody, Me, OrgRequired, RefreshBody, Session, SwitchOrgBody } from "./auth.schemas.ts";

const tag = "auth";

export const auth: Resource = {
  name: tag,
  publicRoutes: [
    publicRoute({
      method: "post",
      path: "/auth/login",
      tag,
      summary: "Sign in with email and password (with org_id when the account has several orgs)",
      access: { public: "signing in is how a caller gets a token" },
      body: LoginBody,
      response: z.union([Session, OrgRequired]),
      errors: ["invalid_credentials", "membership_revoked", "rate_limited"],
      handle: (ctx, { body }) => login(ctx, body),
    }),
    publicRoute({
      method: "post",
      path: "/auth/refresh",
      tag,
      summary: "Exchange a refresh token for a new pair (each refresh token works once)",
      access: { public: "the refresh token is the credential; the access token may have expired" },
      body: RefreshBody,
      response: Session,
      errors: ["refresh_token_invalid", "refresh_token_reused", "membership_revoked"],
      handle: (ctx, { body }) => refresh(ctx, body.refresh_token),
    }),
    publicRoute({
      method: "post",
      path: "/auth/logout",
      tag,
      summary: "End a sign-in: its refresh tokens stop working",
      access: { public: "the refresh token is the credential; signing out must work with an expired access token" },
      body: RefreshBody,
      status: 204,
      handle: (ctx, { body }) => logout(ctx, body.refresh_token),
    }),
  ],
  routes: [
    route({
      method: "post",
      path: "/auth/switch-org",
      tag,
      summary: "A token pair for another org you are a member of",
      access: { capability: "session.switch_org" },
      body: SwitchOrgBody,
      response: Session,
      handle: (ctx, { body }) => switchOrg(ctx, body.org_id),
    }),
    route({
      method: "post",
      path: "/auth/logout-all",
      tag,
      summary: "Sign out everywhere: every refresh token revoked, every access token issued so far refused",
      access: { capability: "account.manage" },
      status: 204,
      handle: (ctx) => logoutAll(ctx),
    }),
    route({
      method: "post",
      path: "/auth/password",
      tag,
      summary: "Change your password (the current one required); every session ends, this one included",
      access: { capability: "account.manage" },
      body: ChangePasswordBody,
      status: 204,
      errors: ["invalid_credentials", "rate_limited"],
      handle: (ctx, { body }) => changePassword(ctx, body),
    }),
    route({
      method: "get",
      path: "/me",
      tag,
      summary: "Who you are, your current org and role, and your memberships",
      access: { capability: "session.read" },
      response: Me,
      handle: (ctx) => me(ctx),
    }),
  ],
};
