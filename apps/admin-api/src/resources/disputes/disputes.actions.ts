import { invoiceBalance, type AdjustmentKind } from "@cleanops/billing";
import { entities, type Audit, type IDispute, type IFinancialAdjustmentEvent } from "@cleanops/db";
import { notFound } from "@cleanops/http";
import { LockMode } from "@mikro-orm/core";
import type { EntityManager } from "@mikro-orm/postgresql";
import type { AdminContext } from "../../kernel/context.ts";
import { invoiceErrors } from "../invoices/invoices.errors.ts";
import { applyBalance, assertWithinLimit, lockForMoney, type LockedInvoice } from "../invoices/invoices.money.ts";
import { findInvoice, itemsOf, type Ledger } from "../invoices/invoices.queries.ts";
import { invoiceView } from "../invoices/invoices.view.ts";
import { disputeErrors } from "./disputes.errors.ts";
import type { DisputeOutcome, OpenDisputeInput, RecordAdjustmentInput } from "./disputes.schemas.ts";
import { adjustmentView, disputeView } from "./disputes.view.ts";

const { Dispute, FinancialAdjustmentEvent, InvoicePayment } = entities;

/** A dispute of the org, or 404; `lock` serializes resolutions of one dispute. */
export async function findDispute(em: EntityManager, id: string, options: { lock?: boolean } = {}): Promise<IDispute> {
  const dispute = await em.findOne(Dispute, { id }, options.lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {});
  if (!dispute) throw notFound("No such dispute.");
  return dispute;
}

/** A client contests an invoice, or one of its payments; nothing moves until the dispute is resolved. */
export async function openDispute(ctx: AdminContext, invoiceId: string, input: OpenDisputeInput) {
  return ctx.mutate(async (tx, audit) => {
    const invoice = await findInvoice(tx, invoiceId);
    if (invoice.status === "draft" || invoice.status === "void") {
      throw invoiceErrors.invoice_not_issued(`A ${invoice.status} invoice cannot be disputed.`, { details: { status: invoice.status } });
    }
    let ceiling = invoice.totalCents;
    let paymentId: string | null = null;
    if (input.payment_id !== undefined) {
      // Another invoice's (or org's) payment is "not found", like a missing one.
      const payment = await tx.findOne(InvoicePayment, { id: input.payment_id, invoice: invoice.id });
      if (!payment) throw notFound("No such payment on this invoice.", { details: { payment_id: input.payment_id } });
      ceiling = payment.amountCents;
      paymentId = payment.id;
    }
    if (input.amount_cents > ceiling) {
      throw disputeErrors.dispute_amount_too_large(`At most ${ceiling} can be contested.`, { details: { limit_cents: ceiling } });
    }
    const dispute = tx.create(Dispute, {
      invoice,
      payment: paymentId,
      reason: input.reason,
      status: "open",
      amountCents: input.amount_cents,
      currency: invoice.currency,
      openedAt: ctx.now,
      resolvedAt: null,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    });
    const view = disputeView(dispute);
    audit.created("dispute", dispute.id, view);
    return view;
  });
}

/**
 * Appends one ledger row to a locked invoice (the table refuses UPDATE and DELETE: a mistake is corrected by another
 * row) after checking it against the balance as it stands, and returns the ledger with it.
 */
function appendAdjustment(
  ctx: AdminContext,
  tx: EntityManager,
  audit: Audit,
  locked: LockedInvoice,
  ledger: Ledger,
  entry: { kind: AdjustmentKind; amountCents: number; disputeId: string | null; note: string | null },
): { row: IFinancialAdjustmentEvent; ledger: Ledger } {
  // Judged against the balance including the rows appended before it in this transaction.
  assertWithinLimit(entry.kind, entry.amountCents, invoiceBalance({ totalCents: locked.invoice.totalCents, ...ledger }));
  const row = tx.create(FinancialAdjustmentEvent, {
    invoice: locked.invoice,
    dispute: entry.disputeId,
    kind: entry.kind,
    amountCents: entry.amountCents,
    currency: locked.invoice.currency,
    actorUserId: ctx.principal.userId,
    note: entry.note,
    createdAt: ctx.now,
  });
  audit.created("financial_adjustment", row.id, adjustmentView(row));
  return { row, ledger: { ...ledger, adjustments: [...ledger.adjustments, { kind: entry.kind, amountCents: entry.amountCents }] } };
}

async function finish(ctx: AdminContext, tx: EntityManager, audit: Audit, locked: LockedInvoice, ledger: Ledger) {
  const items = (await itemsOf(tx, [locked.invoice.id])).get(locked.invoice.id) ?? [];
  const before = invoiceView(locked.invoice, items, locked.balance);
  const after = applyBalance(locked.invoice, ledger, ctx.now);
  const view = invoiceView(locked.invoice, items, after);
  audit.updated("invoice", locked.invoice.id, before, view, "invoice.balance_changed");
  return view;
}

/** A refund, credit, write-off or chargeback, appended to the ledger; the invoice's balance and status follow. */
export async function recordAdjustment(ctx: AdminContext, invoiceId: string, input: RecordAdjustmentInput) {
  return ctx.mutate(async (tx, audit) => {
    const locked = await lockForMoney(tx, invoiceId);
    let disputeId: string | null = null;
    if (input.dispute_id !== undefined) {
      const dispute = await tx.findOne(Dispute, { id: input.dispute_id, invoice: locked.invoice.id });
      if (!dispute) throw notFound("No such dispute on this invoice.", { details: { dispute_id: input.dispute_id } });
      disputeId = dispute.id;
    }
    const { row, ledger } = appendAdjustment(ctx, tx, audit, locked, locked.ledger, {
      kind: input.kind,
      amountCents: input.amount_cents,
      disputeId,
      note: input.note ?? null,
    });
    const invoice = await finish(ctx, tx, audit, locked, ledger);
    return { ...adjustmentView(row), invoice };
  });
}

/** The ledger rows an outcome appends (see ResolveDispute's description for why). */
function outcomeEntries(outcome: DisputeOutcome, dispute: IDispute): AdjustmentKind[] {
  if (outcome === "won") return [];
  if (outcome === "refunded") return ["refund", "credit"];
  return dispute.payment ? ["chargeback", "write_off"] : ["credit"];
}

/**
 * Resolves an open dispute: its status becomes the outcome and the outcome's ledger rows are appended for the
 * disputed amount, in one transaction under the dispute's and then the invoice's row lock.
 */
export async function resolveDispute(ctx: AdminContext, id: string, outcome: DisputeOutcome) {
  return ctx.mutate(async (tx, audit) => {
    const dispute = await findDispute(tx, id, { lock: true });
    if (dispute.status !== "open") throw disputeErrors.dispute_not_open(undefined, { details: { status: dispute.status } });
    const locked = await lockForMoney(tx, dispute.invoice.id);
    const before = disputeView(dispute);
    let ledger = locked.ledger;
    const rows: IFinancialAdjustmentEvent[] = [];
    for (const kind of outcomeEntries(outcome, dispute)) {
      const added = appendAdjustment(ctx, tx, audit, locked, ledger, {
        kind,
        amountCents: dispute.amountCents,
        disputeId: dispute.id,
        note: `dispute ${outcome}`,
      });
      rows.push(added.row);
      ledger = added.ledger;
    }
    dispute.status = outcome;
    dispute.resolvedAt = ctx.now;
    dispute.updatedAt = ctx.now;
    audit.updated("dispute", dispute.id, before, disputeView(dispute), `dispute.${outcome}`);
    const invoice = await finish(ctx, tx, audit, locked, ledger);
    return { ...disputeView(dispute), adjustments: rows.map(adjustmentView), invoice };
  });
}

export async function listDisputes(ctx: AdminContext, invoiceId: string) {
  const invoice = await findInvoice(ctx.em, invoiceId);
  const rows = await ctx.em.find(Dispute, { invoice: invoice.id }, { orderBy: { createdAt: "desc", id: "desc" } });
  return { items: rows.map(disputeView) };
}

export async function listAdjustments(ctx: AdminContext, invoiceId: string) {
  const invoice = await findInvoice(ctx.em, invoiceId);
  const rows = await ctx.em.find(FinancialAdjustmentEvent, { invoice: invoice.id }, { orderBy: { createdAt: "asc", id: "asc" } });
  return { items: rows.map(adjustmentView) };
}
