import { entities } from "@cleanops/db";
import { publicRoute } from "@cleanops/http";
import { Router } from "express";
import { z } from "zod";
import { recordAudit } from "../audit/audit-log.ts";
import { requestMeta } from "../audit/request-meta.ts";
import { sessionBody } from "../auth/session-tokens.ts";
import type { AdminServices } from "../services.ts";
import { emailSchema, passwordSchema } from "../validation/common-schemas.ts";
import { orgView } from "./org-view.ts";
import { signUp } from "./sign-up.ts";

const { Organization, OrganizationBilling } = entities;

const orgName = z.string().trim().min(1).max(200);
const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

const SignUpBody = z.object({
  organization: z.object({
    name: orgName,
    slug: z.string().regex(SLUG, { error: "1-63 lowercase letters, digits and dashes" }).optional(),
  }),
  owner: z.object({
    email: emailSchema,
    // A new account sets its password here (at least 10 characters, checked by signUp); an existing one proves it.
    password: passwordSchema,
    name: z.string().trim().min(1).max(200).optional(),
  }),
});

const PatchOrgBody = z.object({ name: orgName }).strict();

/** Sign-up (a new org), and the current org's profile and billing. */
export function orgsRouter(services: AdminServices): Router {
  const { access } = services;
  const router = Router();

  router.post("/orgs", publicRoute("sign-up: whoever signs up has no org yet"), async (req, res) => {
    const body = SignUpBody.parse(req.body);
    const meta = requestMeta(req);
    const result = await signUp(services, body, meta);
    res.status(201).json({
      organization: orgView(result.org),
      ...sessionBody(result.session, services, { user: result.user, org: result.org, role: "owner" }),
    });
  });

  router.get("/org", access.require("org.read"), async (_req, res) => {
    const { em, orgId } = access.context(res);
    res.json(orgView(await em.findOneOrFail(Organization, orgId)));
  });

  router.patch("/org", access.require("org.update"), async (req, res) => {
    const ctx = access.context(res);
    const body = PatchOrgBody.parse(req.body);
    const org = await ctx.em.transactional(async (em) => {
      const o = await em.findOneOrFail(Organization, ctx.orgId);
      if (o.name !== body.name) {
        recordAudit(em, requestMeta(req), {
          actorUserId: ctx.principal.userId,
          action: "org.updated",
          entityType: "organization",
          entityId: ctx.orgId,
          changes: { before: { name: o.name }, after: { name: body.name } },
        });
        o.name = body.name;
        await em.flush();
      }
      return o;
    });
    res.json(orgView(org));
  });

  router.get("/org/billing", access.require("billing.read"), async (_req, res) => {
    const { em, orgId } = access.context(res);
    const b = await em.findOneOrFail(OrganizationBilling, { organization: orgId });
    res.json({
      plan: b.plan,
      status: b.status,
      seats: b.seats,
      current_period_end: b.currentPeriodEnd ? b.currentPeriodEnd.toISOString() : null,
    });
  });

  return router;
}
