import type { IDispute, IFinancialAdjustmentEvent } from "@cleanops/db";

export function disputeView(d: IDispute) {
  return {
    id: d.id,
    invoice_id: d.invoice.id,
    payment_id: d.payment?.id ?? null,
    reason: d.reason,
    status: d.status,
    amount_cents: d.amountCents,
    currency: d.currency,
    opened_at: d.openedAt.toISOString(),
    resolved_at: d.resolvedAt ? d.resolvedAt.toISOString() : null,
    created_at: d.createdAt.toISOString(),
    updated_at: d.updatedAt.toISOString(),
  };
}

export function adjustmentView(a: IFinancialAdjustmentEvent) {
  return {
    id: a.id,
    invoice_id: a.invoice.id,
    dispute_id: a.dispute?.id ?? null,
    kind: a.kind,
    amount_cents: a.amountCents,
    currency: a.currency,
    actor_user_id: a.actorUserId ?? null,
    note: a.note ?? null,
    created_at: a.createdAt.toISOString(),
  };
}
