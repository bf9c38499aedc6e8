import { p, type InferEntity } from "@mikro-orm/core";
import { defineOrgEntity, orgFk } from "../base/org-scoped.ts";
import { uuidPrimaryKey } from "../base/primary-key.ts";
import { InvoicePayment } from "../invoices/invoice-payment.ts";
import { Invoice } from "../invoices/invoice.ts";

/** A client contests an invoice or a card payment. */
export const Dispute = defineOrgEntity({
  name: "Dispute",
  tableName: "disputes",
  properties: {
    id: uuidPrimaryKey(),
    invoice: () => p.manyToOne(Invoice).ref().foreignKeyName(orgFk("disputes", "invoice_id")).deleteRule("restrict"),
    payment: () => p.manyToOne(InvoicePayment).ref().nullable().foreignKeyName(orgFk("disputes", "payment_id")).deleteRule("set null"),
    reason: p.text(),
    status: p.enum(["open", "won", "lost", "refunded"]).default("open"),
    amountCents: p.integer().check("amount_cents > 0"),
    currency: p.text().check("currency ~ '^[A-Z]{3}$'"),
    openedAt: p.datetime().defaultRaw("now()"),
    // A card dispute's id at the provider (Stripe `dp_…`); null for disputes the office opens by hand (0043).
    providerDisputeId: p.text().nullable(),
    resolvedAt: p.datetime().nullable(),
    createdAt: p.datetime().defaultRaw("now()"),
    updatedAt: p
      .datetime()
      .defaultRaw("now()")
      .onUpdate(() => new Date()),
  },
  uniques: [{ properties: ["orgId", "id"] }, { properties: ["orgId", "providerDisputeId"] }],
  indexes: [{ properties: ["orgId", "status"] }, { properties: ["orgId", "createdAt"] }],
});

export type IDispute = InferEntity<typeof Dispute>;
