import { invoiceBalance, type AdjustmentKind, type Balance } from "@cleanops/billing";
import { entities, type IInvoice } from "@cleanops/db";
import type { EntityManager } from "@mikro-orm/postgresql";

const { FinancialAdjustmentEvent, InvoicePayment } = entities;

export type Ledger = {
  payments: { amountCents: number }[];
  adjustments: { kind: AdjustmentKind; amountCents: number }[];
};

/** An invoice's payments and ledger rows as the database holds them (under the invoice's lock when one is held). */
export async function ledgerOf(em: EntityManager, invoiceId: string): Promise<Ledger> {
  // Sequential on purpose: inside a transaction the EntityManager has one connection.
  const payments = await em.find(InvoicePayment, { invoice: invoiceId });
  const adjustments = await em.find(FinancialAdjustmentEvent, { invoice: invoiceId });
  return {
    payments: payments.map((p) => ({ amountCents: p.amountCents })),
    adjustments: adjustments.map((a) => ({ kind: a.kind, amountCents: a.amountCents })),
  };
}

/** The balance, always by @cleanops/billing's one function: the office and the link never disagree about what is owed. */
export const balanceOf = (invoice: IInvoice, ledger: Ledger): Balance => invoiceBalance({ totalCents: invoice.totalCents, ...ledger });
