import { p, type InferEntity } from "@mikro-orm/core";
import { defineOrgEntity, orgFk } from "../base/org-scoped.ts";
import { uuidPrimaryKey } from "../base/primary-key.ts";
import { Invoice } from "./invoice.ts";

/** Money received against an invoice; a provider's payment id is recorded once per org. */
export const InvoicePayment = defineOrgEntity({
  name: "InvoicePayment",
  tableName: "invoice_payments",
  properties: {
    id: uuidPrimaryKey(),
    invoice: () => p.manyToOne(Invoice).ref().foreignKeyName(orgFk("invoice_payments", "invoice_id")).deleteRule("restrict"),
    amountCents: p.integer().check("amount_cents > 0"),
    currency: p.text().check("currency ~ '^[A-Z]{3}$'"),
    method: p.enum(["card", "cash", "bank_transfer", "credit"]),
    provider: p.text().nullable(),
    providerPaymentId: p.text().nullable(),
    receivedAt: p.datetime(),
    createdAt: p.datetime().defaultRaw("now()"),
  },
  uniques: [{ properties: ["orgId", "id"] }, { properties: ["orgId", "providerPaymentId"] }],
  indexes: [{ properties: ["invoice"] }, { properties: ["orgId", "createdAt"] }],
});

export type IInvoicePayment = InferEntity<typeof InvoicePayment>;
