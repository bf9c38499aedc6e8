/**
 * THE balance of an invoice, derived from its total, its payments and its ledger (financial_adjustment_events);
 * never stored by hand. admin-api and public-invoices both call `invoiceBalance`, so the office and the client's
 * link can never disagree about what is owed.
 *
 * Two different questions, kept apart:
 *   - how much money the company holds for the invoice:   amount_paid = payments − refunds − chargebacks
 *   - how much the client owes for the work at all:       amount_due  = total − credits − write-offs
 *   and balance = amount_due − amount_paid.
 *
 * So, by kind of ledger row:
 *   - refund: the company sends money back to the client. The money held goes down, so the balance goes UP by the
 *     refund, unless the invoice is also credited. A refund because the complaint was right is therefore recorded as
 *     a refund plus a credit of the same amount (what resolving a dispute as `refunded` does): money back, nothing owed.
 *   - chargeback: the client's bank takes a card payment back. Same effect as a refund on the money held; the client
 *     still owes the work, so the balance goes UP (the office then chases it or writes it off).
 *   - credit: a credit note; the client owes less. Balance goes DOWN.
 *   - write_off: the company gives up on collecting. Balance goes DOWN.
 *
 * Every operation is refused when it would leave the balance below zero or the money held below zero (see
 * `limitFor`), so 0 ≤ balance ≤ total and 0 ≤ amount_paid always hold.
 */

export const ADJUSTMENT_KINDS = ["refund", "credit", "write_off", "chargeback"] as const;
export type AdjustmentKind = (typeof ADJUSTMENT_KINDS)[number];

export const INVOICE_STATUSES = ["draft", "issued", "partially_paid", "paid", "void"] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

export type BalanceInput = {
  totalCents: number;
  /** Each payment received (positive amounts). */
  payments: readonly { amountCents: number }[];
  /** Each ledger row (positive amounts; the kind says which way it moves the balance). */
  adjustments: readonly { kind: AdjustmentKind; amountCents: number }[];
};

export type Balance = {
  totalCents: number;
  /** Sum of the payments received, before anything went back. */
  receivedCents: number;
  /** Refunds and chargebacks: money that went back to the client. */
  returnedCents: number;
  /** Credits and write-offs: what the client no longer owes. */
  creditedCents: number;
  /** Money the company holds for the invoice: received − returned. */
  amountPaidCents: number;
  /** What the client owes for the work: total − credited. */
  amountDueCents: number;
  /** What is still to pay: amountDue − amountPaid. */
  balanceCents: number;
};

/** Which side a ledger row moves: the money held (refund, chargeback) or what is owed (credit, write-off). */
export const RETURNS_MONEY: Readonly<Record<AdjustmentKind, boolean>> = {
  refund: true,
  chargeback: true,
  credit: false,
  write_off: false,
};

export function invoiceBalance(input: BalanceInput): Balance {
  let receivedCents = 0;
  for (const p of input.payments) receivedCents += p.amountCents;
  let returnedCents = 0;
  let creditedCents = 0;
  for (const a of input.adjustments) {
    if (RETURNS_MONEY[a.kind]) returnedCents += a.amountCents;
    else creditedCents += a.amountCents;
  }
  const amountPaidCents = receivedCents - returnedCents;
  const amountDueCents = input.totalCents - creditedCents;
  return {
    totalCents: input.totalCents,
    receivedCents,
    returnedCents,
    creditedCents,
    amountPaidCents,
    amountDueCents,
    balanceCents: amountDueCents - amountPaidCents,
  };
}

/**
 * The status the money says: a draft stays a draft and a void invoice stays void (both are decisions, not sums);
 * otherwise nothing left to pay → `paid` (settled, also when credited or written off in full), some money held →
 * `partially_paid`, none → `issued`.
 */
export function derivedStatus(current: InvoiceStatus, balance: Pick<Balance, "balanceCents" | "amountPaidCents">): InvoiceStatus {
  if (current === "draft" || current === "void") return current;
  if (balance.balanceCents <= 0) return "paid";
  return balance.amountPaidCents > 0 ? "partially_paid" : "issued";
}

/**
 * The most a new payment or ledger row of `kind` may be: a payment or a credit/write-off cannot take the balance
 * below zero; a refund or chargeback cannot send back more money than the company holds.
 */
export function limitFor(kind: AdjustmentKind | "payment", balance: Pick<Balance, "balanceCents" | "amountPaidCents">): number {
  if (kind === "payment" || !RETURNS_MONEY[kind]) return Math.max(0, balance.balanceCents);
  return Math.max(0, balance.amountPaidCents);
}
