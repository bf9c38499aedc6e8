import { p, type InferEntity } from "@mikro-orm/core";
import { defineOrgEntity, orgFk } from "../base/org-scoped.ts";
import { uuidPrimaryKey } from "../base/primary-key.ts";
import { Booking } from "../bookings/booking.ts";
import { ClientUser } from "../clients/client-user.ts";
import { InvoiceItem } from "./invoice-item.ts";
import { InvoicePayment } from "./invoice-payment.ts";
import { InvoicePublicToken } from "./invoice-public-token.ts";

export const INVOICE_STATUSES = ["draft", "issued", "partially_paid", "paid", "void"] as const;

/** What a client owes, in minor units of `currency`; `number` is unique within the org. */
export const Invoice = defineOrgEntity({
  name: "Invoice",
  tableName: "invoices",
  properties: {
    id: uuidPrimaryKey(),
    // Null while draft: the gapless number is allocated when the invoice is issued (0041).
    number: p.text().nullable(),
    client: () => p.manyToOne(ClientUser).ref().foreignKeyName(orgFk("invoices", "client_id")).deleteRule("restrict"),
    booking: () => p.manyToOne(Booking).ref().nullable().foreignKeyName(orgFk("invoices", "booking_id")).deleteRule("set null"),
    status: p.enum(INVOICE_STATUSES).default("draft"),
    currency: p.text().check("currency ~ '^[A-Z]{3}$'"),
    subtotalCents: p.integer().default(0).check("subtotal_cents >= 0"),
    taxCents: p.integer().default(0).check("tax_cents >= 0"),
    totalCents: p.integer().default(0).check("total_cents >= 0"),
    amountPaidCents: p.integer().default(0).check("amount_paid_cents >= 0"),
    issuedAt: p.datetime().nullable(),
    dueAt: p.datetime().nullable(),
    paidAt: p.datetime().nullable(),
    createdAt: p.datetime().defaultRaw("now()"),
    updatedAt: p
      .datetime()
      .defaultRaw("now()")
      .onUpdate(() => new Date()),
    items: () => p.oneToMany(InvoiceItem).mappedBy("invoice").orderBy({ position: "asc" }),
    payments: () => p.oneToMany(InvoicePayment).mappedBy("invoice"),
    publicTokens: () => p.oneToMany(InvoicePublicToken).mappedBy("invoice"),
  },
  checks: [
    { name: "invoices_total_check", expression: "total_cents = subtotal_cents + tax_cents" },
    { name: "invoices_number_check", expression: "number IS NOT NULL OR status IN ('draft', 'void')" },
  ],
  uniques: [{ properties: ["orgId", "id"] }, { properties: ["orgId", "number"] }],
  indexes: [
    { properties: ["client"] },
    { properties: ["booking"] },
    // Only open invoices are chased for payment.
    { properties: ["dueAt"], where: "status in ('issued', 'partially_paid')" },
    { properties: ["orgId", "status"] },
    { properties: ["orgId", "createdAt"] },
  ],
});

export type IInvoice = InferEntity<typeof Invoice>;
