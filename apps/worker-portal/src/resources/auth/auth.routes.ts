import type { Resource } from "../../kernel/resource.ts";
import { publicRoute } from "../../kernel/route.ts";
import { acceptInvite, signIn } from "./auth.actions.ts";
import { InviteBody, LoginBody, WorkerSession } from "./auth.schemas.ts";

const tag = "auth";

export const auth: Resource = {
  name: tag,
  routes: [],
  publicRoutes: [
    publicRoute({
      method: "post",
      path: "/auth/login",
      tag,
      summary: "Sign in with the org's slug, your email and password",
      description:
        "An unknown org or email, a wrong password and a deactivated worker all answer 401 `invalid_credentials`. " +
        "10 failures within 15 minutes (per org and email, and per IP) answer 429 with Retry-After, even with the right password.",
      access: { public: "signing in is how a worker gets a token" },
      body: LoginBody,
      response: WorkerSession,
      errors: ["invalid_credentials", "rate_limited"],
      handle: (ctx, { body }) => signIn(ctx, body),
    }),
    publicRoute({
      method: "post",
      path: "/invite",
      tag,
      summary: "Choose your password through the invitation link the office sent (works once), and sign in",
      access: { public: "the invitation token is the credential" },
      body: InviteBody,
      response: WorkerSession,
      errors: ["invitation_used", "invitation_expired"],
      handle: (ctx, { body }) => acceptInvite(ctx, body),
    }),
  ],
};
