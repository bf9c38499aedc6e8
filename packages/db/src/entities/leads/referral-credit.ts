import { p, type InferEntity } from "@mikro-orm/core";
import { defineOrgEntity, orgFk } from "../base/org-scoped.ts";
import { uuidPrimaryKey } from "../base/primary-key.ts";
import { ClientUser } from "../clients/client-user.ts";
import { Invoice } from "../invoices/invoice.ts";
import { Lead } from "./lead.ts";

/** Credit a client earned by referring a lead; redeemed against an invoice. */
export const ReferralCredit = defineOrgEntity({
  name: "ReferralCredit",
  tableName: "referral_credits",
  properties: {
    id: uuidPrimaryKey(),
    client: () => p.manyToOne(ClientUser).ref().foreignKeyName(orgFk("referral_credits", "client_id")).deleteRule("restrict"),
    lead: () => p.manyToOne(Lead).ref().nullable().foreignKeyName(orgFk("referral_credits", "lead_id")).deleteRule("set null"),
    amountCents: p.integer().check("amount_cents > 0"),
    currency: p.text().check("currency ~ '^[A-Z]{3}$'"),
    status: p.enum(["pending", "granted", "redeemed"]).default("pending"),
    redeemedInvoice: () =>
      p.manyToOne(Invoice).ref().nullable().foreignKeyName(orgFk("referral_credits", "redeemed_invoice_id")).deleteRule("set null"),
    createdAt: p.datetime().defaultRaw("now()"),
    updatedAt: p
      .datetime()
      .defaultRaw("now()")
      .onUpdate(() => new Date()),
  },
  // One credit per referred lead (0042): winning a lead twice cannot grant twice.
  uniques: [{ properties: ["orgId", "lead"] }],
  indexes: [{ properties: ["orgId", "status"] }, { properties: ["orgId", "createdAt"] }],
});

export type IReferralCredit = InferEntity<typeof ReferralCredit>;
