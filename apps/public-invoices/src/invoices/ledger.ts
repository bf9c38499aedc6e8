import { derivedStatus, invoiceBalance, type AdjustmentKind, type Balance, type InvoiceStatus } from "@cleanops/billing";
import { sqlRows } from "@cleanops/db";
import type { EntityManager } from "@mikro-orm/postgresql";

/** What the webhook's effects need of an invoice: its money terms and state, read under its row lock. */
export type LockedInvoice = { id: string; status: InvoiceStatus; currency: string; totalCents: number };

export type Ledger = {
  payments: { amountCents: number }[];
  adjustments: { kind: AdjustmentKind; amountCents: number; note: string | null }[];
  /** Whether the org already has a payment with the PaymentIntent asked about (`ledgerOf`'s last argument). */
  hasPayment: boolean;
};

/**
 * Locks the invoice's row (FOR UPDATE) for the rest of the transaction, as every change to an invoice's money does
 * (admin-api's too), or undefined when the org has no such invoice.
 */
export async function lockInvoice(tx: EntityManager, orgId: string, invoiceId: string): Promise<LockedInvoice | undefined> {
  const [row] = await sqlRows<LockedInvoice>(
    tx,
    `SELECT i.id, i.status, i.currency, i.total_cents AS "totalCents" FROM invoices i WHERE i.org_id = $1 AND i.id = $2 FOR UPDATE`,
    [orgId, invoiceId],
  );
  return row;
}

/**
 * An invoice's payments and ledger rows as the database holds them, in one statement. Read after `lockInvoice`, in a
 * statement of its own: under READ COMMITTED it then sees everything committed by whoever held the lock before.
 */
export async function ledgerOf(
  tx: EntityManager,
  orgId: string,
  invoiceId: string,
  providerPaymentId: string | null = null,
): Promise<Ledger> {
  const [row] = await sqlRows<Ledger>(
    tx,
    `SELECT coalesce((SELECT json_agg(json_build_object('amountCents', p.amount_cents))
                        FROM invoice_payments p WHERE p.org_id = $1 AND p.invoice_id = $2), '[]') AS payments,
            coalesce((SELECT json_agg(json_build_object('kind', f.kind, 'amountCents', f.amount_cents, 'note', f.note))
                        FROM financial_adjustment_events f WHERE f.org_id = $1 AND f.invoice_id = $2), '[]') AS adjustments,
            EXISTS (SELECT 1 FROM invoice_payments p WHERE p.org_id = $1 AND p.provider_payment_id = $3) AS "hasPayment"`,
    [orgId, invoiceId, providerPaymentId],
  );
  return row ?? { payments: [], adjustments: [], hasPayment: false };
}

/** The balance, always by @cleanops/billing's one function: the office and the link never disagree about what is owed. */
export const balanceOf = (invoice: LockedInvoice, ledger: Pick<Ledger, "payments" | "adjustments">): Balance =>
  invoiceBalance({ totalCents: invoice.totalCents, ...ledger });

/**
 * Writes the derived money state onto the invoice (the cache admin-api also keeps) from `ledger` as it stands after
 * the caller's change: status and amount paid by @cleanops/billing, `paid_at` set when it becomes paid and cleared
 * when it is no longer.
 */
export async function settle(
  tx: EntityManager,
  orgId: string,
  invoice: LockedInvoice,
  ledger: Pick<Ledger, "payments" | "adjustments">,
  now: Date,
) {
  const balance = balanceOf(invoice, ledger);
  const status = derivedStatus(invoice.status, balance);
  await sqlRows(
    tx,
    `UPDATE invoices SET status = $3, amount_paid_cents = $4, updated_at = $5,
            paid_at = CASE WHEN $3 <> 'paid' THEN NULL WHEN status = 'paid' THEN paid_at ELSE $5 END
      WHERE org_id = $1 AND id = $2`,
    [orgId, invoice.id, status, balance.amountPaidCents, now],
  );
}
