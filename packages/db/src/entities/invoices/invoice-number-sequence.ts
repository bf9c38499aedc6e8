import { p, type InferEntity } from "@mikro-orm/core";
import { defineOrgEntity } from "../base/org-scoped.ts";
import { uuidPrimaryKey } from "../base/primary-key.ts";

/** Invoice numbering per org and prefix: `nextValue` is taken under a row lock, so numbers have no gaps. */
export const InvoiceNumberSequence = defineOrgEntity({
  name: "InvoiceNumberSequence",
  tableName: "invoice_number_sequences",
  properties: {
    id: uuidPrimaryKey(),
    prefix: p.text().check("prefix ~ '^[A-Z0-9-]{1,16}$'"),
    nextValue: p.integer().default(1).check("next_value > 0"),
    createdAt: p.datetime().defaultRaw("now()"),
    updatedAt: p
      .datetime()
      .defaultRaw("now()")
      .onUpdate(() => new Date()),
  },
  uniques: [{ properties: ["orgId", "prefix"] }],
  indexes: [{ properties: ["orgId", "createdAt"] }],
});

export type IInvoiceNumberSequence = InferEntity<typeof InvoiceNumberSequence>;
