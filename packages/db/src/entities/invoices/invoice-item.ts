import { p, type InferEntity } from "@mikro-orm/core";
import { defineOrgEntity, orgFk } from "../base/org-scoped.ts";
import { uuidPrimaryKey } from "../base/primary-key.ts";
import { Invoice } from "./invoice.ts";

/** A line of an invoice; `taxRateBps` is in basis points (2000 = 20 %). */
export const InvoiceItem = defineOrgEntity({
  name: "InvoiceItem",
  tableName: "invoice_items",
  properties: {
    id: uuidPrimaryKey(),
    invoice: () => p.manyToOne(Invoice).ref().foreignKeyName(orgFk("invoice_items", "invoice_id")).deleteRule("cascade"),
    description: p.text(),
    quantity: p.integer().default(1).check("quantity > 0"),
    unitPriceCents: p.integer().check("unit_price_cents >= 0"),
    taxRateBps: p.integer().default(0).check("tax_rate_bps >= 0 AND tax_rate_bps <= 10000"),
    position: p.integer().check("position >= 0"),
  },
  uniques: [{ properties: ["invoice", "position"] }],
  indexes: [{ properties: ["orgId"] }],
});

export type IInvoiceItem = InferEntity<typeof InvoiceItem>;
