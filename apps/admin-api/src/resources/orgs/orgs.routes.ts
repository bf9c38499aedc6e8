import { entities } from "@cleanops/db";
import type { Resource } from "../../kernel/resource.ts";
import { publicRoute, route } from "../../kernel/route.ts";
import { sessionBody } from "../auth/session-tokens.ts";
import { orgView } from "./org-view.ts";
import { Billing, Org, PatchOrgBody, SignedUp, SignUpBody } from "./orgs.schemas.ts";
import { signUp } from "./sign-up.ts";

const { Organization, OrganizationBilling } = entities;
const tag = "organization";

export const orgs: Resource = {
  name: tag,
  publicRoutes: [
    publicRoute({
      method: "post",
      path: "/orgs",
      tag,
      summary: "Sign up: a new organization with its owner, signed in",
      access: { public: "sign-up: whoever signs up has no org yet" },
      body: SignUpBody,
      response: SignedUp,
      status: 201,
      errors: ["conflict", "invalid_credentials", "rate_limited"],
      handle: async (ctx, { body }) => {
        const result = await signUp(ctx.services, body, ctx.meta);
        return {
          organization: orgView(result.org),
          ...sessionBody(result.session, ctx.services, { user: result.user, org: result.org, role: "owner" }),
        };
      },
    }),
  ],
  routes: [
    route({
      method: "get",
      path: "/org",
      tag,
      summary: "The current organization",
      access: { capability: "org.read" },
      response: Org,
      handle: async (ctx) => orgView(await ctx.em.findOneOrFail(Organization, ctx.orgId)),
    }),
    route({
      method: "patch",
      path: "/org",
      tag,
      summary: "Rename the organization",
      access: { capability: "org.update" },
      body: PatchOrgBody,
      response: Org,
      handle: (ctx, { body }) =>
        ctx.mutate(async (tx, audit) => {
          const o = await tx.findOneOrFail(Organization, ctx.orgId);
          if (o.name !== body.name) {
            audit.record({
              action: "org.updated",
              entityType: "organization",
              entityId: ctx.orgId,
              changes: { before: { name: o.name }, after: { name: body.name } },
            });
            o.name = body.name;
          }
          return orgView(o);
        }),
    }),
    route({
      method: "get",
      path: "/org/billing",
      tag,
      summary: "The organization's plan, seats and billing period",
      access: { capability: "billing.read" },
      response: Billing,
      handle: async (ctx) => {
        const b = await ctx.em.findOneOrFail(OrganizationBilling, { organization: ctx.orgId });
        return {
          plan: b.plan,
          status: b.status,
          seats: b.seats,
          current_period_end: b.currentPeriodEnd ? b.currentPeriodEnd.toISOString() : null,
        };
      },
    }),
  ],
};
