import { derivedStatus, invoiceBalance, limitFor, type AdjustmentKind, type Balance } from "@cleanops/billing";
import type { IInvoice } from "@cleanops/db";
import type { EntityManager } from "@mikro-orm/postgresql";
import { invoiceErrors } from "./invoices.errors.ts";
import { findInvoice, ledgersOf, type Ledger } from "./invoices.queries.ts";

/** An issued invoice, locked, with its payments and ledger as the database holds them after the lock was granted. */
export type LockedInvoice = { invoice: IInvoice; ledger: Ledger; balance: Balance };

/**
 * The first step of every change to an invoice's money: lock its row, then read payments and ledger rows. Whoever
 * waited for the lock reads what the previous holder committed, so two concurrent payments are judged one after the
 * other against the real balance and can never overpay. Drafts and void invoices take no money.
 */
export async function lockForMoney(tx: EntityManager, id: string): Promise<LockedInvoice> {
  const invoice = await findInvoice(tx, id, { lock: true });
  if (invoice.status === "draft" || invoice.status === "void") {
    throw invoiceErrors.invoice_not_issued(`A ${invoice.status} invoice takes no payments or adjustments.`, {
      details: { status: invoice.status },
    });
  }
  const ledger = (await ledgersOf(tx, [invoice.id])).get(invoice.id) ?? { payments: [], adjustments: [] };
  return { invoice, ledger, balance: invoiceBalance({ totalCents: invoice.totalCents, ...ledger }) };
}

/** The most a payment or ledger row of `kind` may be now, and the refusal when `amount` is above it. */
export function assertWithinLimit(kind: AdjustmentKind | "payment", amountCents: number, balance: Balance): void {
  const limit = limitFor(kind, balance);
  if (amountCents <= limit) return;
  const details = {
    amount_cents: amountCents,
    limit_cents: limit,
    balance_cents: balance.balanceCents,
    amount_paid_cents: balance.amountPaidCents,
  };
  if (kind === "payment") {
    throw invoiceErrors.payment_exceeds_balance(`The balance is ${balance.balanceCents}; the payment is ${amountCents}.`, { details });
  }
  throw invoiceErrors.adjustment_exceeds_limit(
    kind === "refund" || kind === "chargeback"
      ? `At most ${limit} can go back: that is what the invoice holds.`
      : `At most ${limit} can be credited or written off: that is the balance.`,
    { details: { ...details, kind } },
  );
}

/**
 * Writes the derived money state onto the invoice row: `amount_paid_cents` (a cache of the ledger, kept for reports
 * and public-invoices), the status, and `paid_at` (set when it becomes paid, cleared when money goes back).
 */
export function applyBalance(invoice: IInvoice, ledger: Ledger, now: Date): Balance {
  const balance = invoiceBalance({ totalCents: invoice.totalCents, ...ledger });
  const status = derivedStatus(invoice.status, balance);
  if (status === "paid" && invoice.status !== "paid") invoice.paidAt = now;
  if (status !== "paid") invoice.paidAt = null;
  invoice.status = status;
  invoice.amountPaidCents = balance.amountPaidCents;
  invoice.updatedAt = now;
  return balance;
}
