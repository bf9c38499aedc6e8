import { entities } from "@cleanops/db";
import type { Resource } from "../../kernel/resource.ts";
import { route } from "../../kernel/route.ts";
import { OrgSettings, PatchOrgSettingsBody } from "./org-settings.schemas.ts";

const { Organization } = entities;

const tag = "org-settings";

type OrgRow = { orgId: string; name: string; slug: string; paymentTermsDays: number };
const settingsView = (o: OrgRow) => ({ org_id: o.orgId, name: o.name, slug: o.slug, payment_terms_days: o.paymentTermsDays });

export const orgSettings: Resource = {
  name: tag,
  routes: [
    route({
      method: "get",
      path: "/org/settings",
      tag,
      summary: "The current organization's settings (name, payment terms)",
      access: { capability: "org.read" },
      response: OrgSettings,
      handle: async (ctx) => settingsView(await ctx.em.findOneOrFail(Organization, ctx.orgId)),
    }),
    route({
      method: "patch",
      path: "/org/settings",
      tag,
      summary: "Change the organization's name or payment terms (days from issue to due date of new invoices)",
      access: { capability: "org.update" },
      body: PatchOrgSettingsBody,
      response: OrgSettings,
      handle: (ctx, { body }) =>
        ctx.mutate(async (tx, audit) => {
          const o = await tx.findOneOrFail(Organization, ctx.orgId);
          const before: Record<string, unknown> = {};
          const after: Record<string, unknown> = {};
          if (body.name !== undefined && body.name !== o.name) {
            before.name = o.name;
            after.name = body.name;
            o.name = body.name;
          }
          if (body.payment_terms_days !== undefined && body.payment_terms_days !== o.paymentTermsDays) {
            before.payment_terms_days = o.paymentTermsDays;
            after.payment_terms_days = body.payment_terms_days;
            o.paymentTermsDays = body.payment_terms_days;
          }
          if (Object.keys(after).length > 0) {
            audit.record({ action: "org.settings_updated", entityType: "organization", entityId: ctx.orgId, changes: { before, after } });
          }
          return settingsView(o);
        }),
    }),
  ],
};
