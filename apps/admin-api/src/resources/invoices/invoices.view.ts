import { lineTotals, type Balance } from "@cleanops/billing";
import type { IInvoice, IInvoiceItem, IInvoicePayment, IInvoicePublicToken } from "@cleanops/db";

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export function invoiceItemView(item: IInvoiceItem) {
  const t = lineTotals({ quantity: item.quantity, unitPriceCents: item.unitPriceCents, taxRateBps: item.taxRateBps });
  return {
    id: item.id,
    position: item.position,
    description: item.description,
    quantity: item.quantity,
    unit_price_cents: item.unitPriceCents,
    tax_rate_bps: item.taxRateBps,
    net_cents: t.netCents,
    tax_cents: t.taxCents,
    total_cents: t.totalCents,
  };
}

/**
 * The invoice as the API shows it: `items` in position order, and the money from `balance` (computed by
 * @cleanops/billing from the payments and the ledger), never from a column someone could have set by hand.
 */
export function invoiceView(invoice: IInvoice, items: readonly IInvoiceItem[], balance: Balance) {
  return {
    id: invoice.id,
    number: invoice.number ?? null,
    status: invoice.status,
    client_id: invoice.client.id,
    booking_id: invoice.booking?.id ?? null,
    currency: invoice.currency,
    subtotal_cents: invoice.subtotalCents,
    tax_cents: invoice.taxCents,
    total_cents: invoice.totalCents,
    amount_paid_cents: balance.amountPaidCents,
    credited_cents: balance.creditedCents,
    balance_cents: invoice.status === "draft" || invoice.status === "void" ? 0 : balance.balanceCents,
    items: [...items].sort((a, b) => a.position - b.position).map(invoiceItemView),
    issued_at: iso(invoice.issuedAt),
    due_at: iso(invoice.dueAt),
    paid_at: iso(invoice.paidAt),
    created_at: invoice.createdAt.toISOString(),
    updated_at: invoice.updatedAt.toISOString(),
  };
}

export type InvoiceView = ReturnType<typeof invoiceView>;

export function paymentView(p: IInvoicePayment) {
  return {
    id: p.id,
    invoice_id: p.invoice.id,
    amount_cents: p.amountCents,
    currency: p.currency,
    method: p.method,
    provider: p.provider ?? null,
    received_at: p.receivedAt.toISOString(),
    created_at: p.createdAt.toISOString(),
  };
}

/** A public link without its token (only the hash is stored; the token was shown once). */
export function publicLinkView(link: IInvoicePublicToken, now: Date) {
  return {
    id: link.id,
    invoice_id: link.invoice.id,
    expires_at: link.expiresAt.toISOString(),
    revoked_at: iso(link.revokedAt),
    last_viewed_at: iso(link.lastViewedAt),
    view_count: link.viewCount,
    active: !link.revokedAt && link.expiresAt > now,
    created_at: link.createdAt.toISOString(),
  };
}
