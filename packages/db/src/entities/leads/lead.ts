import { p, type InferEntity } from "@mikro-orm/core";
import { defineOrgEntity, orgFk } from "../base/org-scoped.ts";
import { uuidPrimaryKey } from "../base/primary-key.ts";
import { ClientUser } from "../clients/client-user.ts";

/** A prospective client. */
export const Lead = defineOrgEntity({
  name: "Lead",
  tableName: "leads",
  properties: {
    id: uuidPrimaryKey(),
    name: p.text(),
    email: p.text().nullable(),
    phone: p.text().nullable(),
    source: p.enum(["web", "phone", "referral", "email", "other"]).default("web"),
    status: p.enum(["new", "contacted", "quoted", "won", "lost"]).default("new"),
    referredByClient: () =>
      p.manyToOne(ClientUser).ref().nullable().foreignKeyName(orgFk("leads", "referred_by_client_id")).deleteRule("set null"),
    notes: p.text().nullable(),
    // The client a won lead became (0042): set once, in the transaction that wins the lead.
    convertedClient: () =>
      p.manyToOne(ClientUser).ref().nullable().foreignKeyName(orgFk("leads", "converted_client_id")).deleteRule("restrict"),
    createdAt: p.datetime().defaultRaw("now()"),
    updatedAt: p
      .datetime()
      .defaultRaw("now()")
      .onUpdate(() => new Date()),
  },
  uniques: [{ properties: ["orgId", "id"] }],
  indexes: [
    { properties: ["orgId", "status"] },
    { properties: ["orgId", "createdAt"] },
    {
      name: "leads_email_idx",
      expression: (cols, table, name) => `create index ${name} on ${table.qualifiedName} (lower(${cols.email}))`,
    },
  ],
});

export type ILead = InferEntity<typeof Lead>;
