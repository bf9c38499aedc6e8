import { p, type InferEntity } from "@mikro-orm/core";
import { appendOnlyTrigger } from "../base/append-only.ts";
import { defineOrgEntity, orgFk } from "../base/org-scoped.ts";
import { uuidPrimaryKey } from "../base/primary-key.ts";
import { Invoice } from "../invoices/invoice.ts";
import { Dispute } from "./dispute.ts";

/** Append-only ledger of refunds, credits, write-offs and chargebacks: the database refuses UPDATE and DELETE. */
export const FinancialAdjustmentEvent = defineOrgEntity({
  name: "FinancialAdjustmentEvent",
  tableName: "financial_adjustment_events",
  properties: {
    id: uuidPrimaryKey(),
    invoice: () => p.manyToOne(Invoice).ref().foreignKeyName(orgFk("financial_adjustment_events", "invoice_id")).deleteRule("restrict"),
    // Optional, yet a dispute with ledger entries cannot be deleted (MikroORM would default a nullable one to SET NULL).
    dispute: () =>
      p.manyToOne(Dispute).ref().nullable().foreignKeyName(orgFk("financial_adjustment_events", "dispute_id")).deleteRule("restrict"),
    kind: p.enum(["refund", "credit", "write_off", "chargeback"]),
    amountCents: p.integer().check("amount_cents > 0"),
    currency: p.text().check("currency ~ '^[A-Z]{3}$'"),
    // A users.id without a foreign key: the ledger outlives the staff accounts that wrote it.
    actorUserId: p.uuid().nullable(),
    note: p.text().nullable(),
    createdAt: p.datetime().defaultRaw("now()"),
  },
  indexes: [{ properties: ["orgId", "createdAt"] }],
  triggers: [appendOnlyTrigger("financial_adjustment_events")],
});

export type IFinancialAdjustmentEvent = InferEntity<typeof FinancialAdjustmentEvent>;
