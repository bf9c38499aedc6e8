import { derivedStatus, invoiceBalance, limitFor, type AdjustmentKind } from "@cleanops/billing";
import { entities, mutate, orgEntityManager, type Audit, type IInvoice } from "@cleanops/db";
import { conflict } from "@cleanops/http";
import { LockMode } from "@mikro-orm/core";
import type { EntityManager, MikroORM } from "@mikro-orm/postgresql";
import { balanceOf, ledgerOf } from "../invoices/ledger.ts";

const { Dispute, FinancialAdjustmentEvent, Invoice, InvoicePayment, Organization, StripeEvent } = entities;

/** The parts of a verified Stripe event this app reads; everything else is kept verbatim in `stripe_events.payload`. */
export type VerifiedEvent = { id: string; type: string; created: number; data: { object: unknown } };

export type EventOutcome = "recorded" | "duplicate";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (o: Obj, k: string): string | null => (typeof o[k] === "string" ? o[k] : null);
const int = (o: Obj, k: string): number | null => (Number.isSafeInteger(o[k]) ? (o[k] as number) : null);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** org_id and invoice_id from the object's metadata (set by our checkouts; copied by Stripe to the intent's charges). */
function target(object: Obj): { orgId: string; invoiceId: string } | null {
  const metadata = isObj(object.metadata) ? object.metadata : {};
  const orgId = str(metadata, "org_id");
  const invoiceId = str(metadata, "invoice_id");
  return orgId && invoiceId && UUID.test(orgId) && UUID.test(invoiceId)
    ? { orgId: orgId.toLowerCase(), invoiceId: invoiceId.toLowerCase() }
    : null;
}

/**
 * A dispute event carries no metadata: its org is the one whose verified payment event named the same PaymentIntent
 * (a Stripe id only ever learnt from a signed event). The invoice is then found inside that org, by the payment.
 */
async function disputeTarget(orm: MikroORM, pi: string | null): Promise<{ orgId: string; invoiceId: string } | null> {
  if (!pi) return null;
  const rows = await orm.em
    .fork()
    .execute<{ org_id: string }[]>(`SELECT org_id FROM stripe_event_receipts WHERE payment_intent_id = ? AND org_id IS NOT NULL LIMIT 1`, [
      pi,
    ]);
  const orgId = rows[0]?.org_id;
  return orgId ? { orgId, invoiceId: "" } : null;
}

/** Why an event moved no money: recorded on the org's copy of the event (`stripe_events.error`). */
class Refused extends Error {}

/** Money in: a paid Checkout Session or a succeeded PaymentIntent, keyed by the PaymentIntent id. */
function paymentOf(type: string, o: Obj): { providerPaymentId: string; amountCents: number; currency: string } | "ignored" | null {
  if (type === "checkout.session.completed") {
    // An asynchronous method (bank debit) completes the session unpaid; its money comes with payment_intent.succeeded.
    if (str(o, "payment_status") !== "paid") return "ignored";
    const pi = str(o, "payment_intent") ?? str(o, "id");
    const amount = int(o, "amount_total");
    const currency = str(o, "currency");
    return pi && amount !== null && currency ? { providerPaymentId: pi, amountCents: amount, currency: currency.toUpperCase() } : null;
  }
  const id = str(o, "id");
  const amount = int(o, "amount_received") ?? int(o, "amount");
  const currency = str(o, "currency");
  return id && amount !== null && currency ? { providerPaymentId: id, amountCents: amount, currency: currency.toUpperCase() } : null;
}

async function lockInvoice(tx: EntityManager, invoiceId: string): Promise<IInvoice> {
  const invoice = await tx.findOne(Invoice, { id: invoiceId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  // Looked up inside the event's org only: an invoice of another org is "unknown" here, so a mismatch moves nothing.
  if (!invoice) throw new Refused("unknown_invoice: no such invoice in the org of the event's metadata");
  return invoice;
}

/** The derived money state written onto the invoice (the cache admin-api also keeps), by @cleanops/billing. */
async function settle(tx: EntityManager, invoice: IInvoice, now: Date): Promise<void> {
  const balance = balanceOf(invoice, await ledgerOf(tx, invoice.id));
  const status = derivedStatus(invoice.status, balance);
  if (status === "paid" && invoice.status !== "paid") invoice.paidAt = now;
  if (status !== "paid") invoice.paidAt = null;
  invoice.status = status;
  invoice.amountPaidCents = balance.amountPaidCents;
  invoice.updatedAt = now;
}

async function applyPayment(tx: EntityManager, audit: Audit, t: { invoiceId: string }, type: string, o: Obj, now: Date): Promise<string> {
  const payment = paymentOf(type, o);
  if (payment === "ignored") return "not paid yet";
  if (payment === null) throw new Refused("malformed: amount, currency or payment id missing");
  const invoice = await lockInvoice(tx, t.invoiceId);
  // checkout.session.completed and payment_intent.succeeded describe the same money, in either order: one payment.
  if ((await tx.count(InvoicePayment, { providerPaymentId: payment.providerPaymentId })) > 0) return "already recorded";
  if (invoice.status === "draft" || invoice.status === "void") throw new Refused(`invoice_not_payable: the invoice is ${invoice.status}`);
  if (payment.currency !== invoice.currency)
    throw new Refused(`currency_mismatch: ${payment.currency} paid, invoice in ${invoice.currency}`);
  if (payment.amountCents <= 0) throw new Refused("malformed: amount must be positive");
  const limit = limitFor("payment", balanceOf(invoice, await ledgerOf(tx, invoice.id)));
  if (payment.amountCents > limit) throw new Refused(`amount_above_balance: ${payment.amountCents} paid, balance ${limit}`);
  const row = tx.create(InvoicePayment, {
    invoice,
    amountCents: payment.amountCents,
    currency: payment.currency,
    method: "card",
    provider: "stripe",
    providerPaymentId: payment.providerPaymentId,
    receivedAt: now,
  });
  // Staged with its row: AuditGuard wants the audit entry in the same flush as the change.
  audit.created("invoice_payment", row.id, {
    invoice_id: invoice.id,
    amount_cents: row.amountCents,
    currency: row.currency,
    method: "card",
  });
  await tx.flush();
  await settle(tx, invoice, now);
  return "payment recorded";
}

/**
 * charge.refunded carries the charge's cumulative `amount_refunded`: the ledger gets the difference to what is
 * already recorded for that charge, so redeliveries and an older event arriving late add nothing.
 */
async function applyRefund(tx: EntityManager, audit: Audit, t: { invoiceId: string }, o: Obj, now: Date): Promise<string> {
  const chargeId = str(o, "id");
  const refunded = int(o, "amount_refunded");
  const currency = str(o, "currency")?.toUpperCase();
  if (!chargeId || refunded === null || !currency) throw new Refused("malformed: charge id, amount_refunded or currency missing");
  const invoice = await lockInvoice(tx, t.invoiceId);
  if (currency !== invoice.currency) throw new Refused(`currency_mismatch: ${currency} refunded, invoice in ${invoice.currency}`);
  const note = `stripe charge ${chargeId}`;
  const earlier = await tx.find(FinancialAdjustmentEvent, { invoice: invoice.id, kind: "refund", note });
  const delta = refunded - earlier.reduce((sum, r) => sum + r.amountCents, 0);
  if (delta <= 0) return "refund already recorded";
  const limit = limitFor("refund", balanceOf(invoice, await ledgerOf(tx, invoice.id)));
  if (delta > limit) throw new Refused(`amount_above_held: ${delta} refunded, ${limit} held`);
  const row = tx.create(FinancialAdjustmentEvent, { invoice, kind: "refund", amountCents: delta, currency, actorUserId: null, note });
  audit.created("financial_adjustment_event", row.id, { invoice_id: invoice.id, kind: "refund", amount_cents: delta });
  await tx.flush();
  await settle(tx, invoice, now);
  return "refund recorded";
}

/**
 * charge.dispute.*: the card network's dispute of one of our payments, found by its PaymentIntent. The first event
 * of a dispute (whichever arrives first) opens the row; a closing status resolves it as admin-api's disputes do
 * (@cleanops/billing's ledger model): `won` moves nothing, `lost` appends a chargeback (the money went back) and a
 * write-off (the office gives up on it) of the disputed amount. Later or older events of a closed dispute do nothing.
 */
async function applyDispute(tx: EntityManager, audit: Audit, o: Obj, now: Date): Promise<string> {
  const disputeId = str(o, "id");
  const pi = str(o, "payment_intent");
  const amount = int(o, "amount");
  const currency = str(o, "currency")?.toUpperCase();
  const status = str(o, "status") ?? "";
  if (!disputeId || !pi || amount === null || amount <= 0 || !currency)
    throw new Refused("malformed: dispute id, payment_intent, amount or currency missing");
  const payment = await tx.findOne(InvoicePayment, { providerPaymentId: pi });
  if (!payment) throw new Refused("unknown_payment: no payment of this org has that PaymentIntent");
  const invoice = await lockInvoice(tx, payment.invoice.id);
  if (currency !== invoice.currency) throw new Refused(`currency_mismatch: ${currency} disputed, invoice in ${invoice.currency}`);
  if (amount > payment.amountCents) throw new Refused(`amount_above_payment: ${amount} disputed, ${payment.amountCents} paid`);
  let dispute = await tx.findOne(Dispute, { providerDisputeId: disputeId });
  let result = "dispute unchanged";
  if (!dispute) {
    dispute = tx.create(Dispute, {
      invoice,
      payment,
      reason: `Card dispute: ${str(o, "reason") ?? "unknown reason"}`,
      status: "open",
      amountCents: amount,
      currency,
      openedAt: now,
      resolvedAt: null,
      providerDisputeId: disputeId,
      createdAt: now,
      updatedAt: now,
    });
    audit.created("dispute", dispute.id, {
      invoice_id: invoice.id,
      payment_id: payment.id,
      amount_cents: amount,
      provider_dispute_id: disputeId,
    });
    result = "dispute opened";
  }
  const outcome = status === "won" || status === "warning_closed" ? "won" : status === "lost" ? "lost" : null;
  if (outcome === null || dispute.status !== "open") return result;
  if (outcome === "lost") {
    const ledger = await ledgerOf(tx, invoice.id);
    for (const kind of ["chargeback", "write_off"] as const satisfies readonly AdjustmentKind[]) {
      const limit = limitFor(kind, invoiceBalance({ totalCents: invoice.totalCents, ...ledger }));
      if (dispute.amountCents > limit) throw new Refused(`amount_above_limit: ${kind} of ${dispute.amountCents}, limit ${limit}`);
      const row = tx.create(FinancialAdjustmentEvent, {
        invoice,
        dispute,
        kind,
        amountCents: dispute.amountCents,
        currency,
        actorUserId: null,
        note: `stripe dispute ${disputeId} lost`,
      });
      audit.created("financial_adjustment_event", row.id, { invoice_id: invoice.id, kind, amount_cents: row.amountCents });
      ledger.adjustments.push({ kind, amountCents: dispute.amountCents });
    }
  }
  dispute.status = outcome;
  dispute.resolvedAt = now;
  dispute.updatedAt = now;
  audit.record({ action: `dispute.${outcome}`, entityType: "dispute", entityId: dispute.id, changes: { provider_dispute_id: disputeId } });
  await tx.flush();
  await settle(tx, invoice, now);
  return `dispute ${outcome}`;
}

/** The PaymentIntent an event is about, kept on its receipt so later dispute events find the org. */
function paymentIntentOf(o: Obj): string | null {
  return o.object === "payment_intent" ? str(o, "id") : str(o, "payment_intent");
}

/** The types whose effects are implemented here; any other verified event is acknowledged and stored as is. */
export const HANDLED_EVENT_TYPES = [
  "checkout.session.completed",
  "payment_intent.succeeded",
  "charge.refunded",
  "charge.dispute.*",
] as const;

/**
 * Applies one verified event exactly once. In one transaction, scoped to the org named by the event's metadata:
 * (1) the event id goes into the install-wide `stripe_event_receipts` with ON CONFLICT DO NOTHING: a redelivery,
 * however concurrent, waits for the first transaction and then finds the row and does nothing; (2) the org's copy goes
 * into `stripe_events`; (3) the effect. A refused effect (unknown invoice, currency mismatch, above the balance…)
 * still records the event, with its error, and moves no money; a crash rolls everything back so Stripe retries.
 */
export async function applyStripeEvent(
  orm: MikroORM,
  event: VerifiedEvent,
  clock: () => Date,
  requestId: string | null,
): Promise<EventOutcome> {
  const object = isObj(event.data.object) ? event.data.object : {};
  const pi = paymentIntentOf(object);
  const isDispute = event.type.startsWith("charge.dispute.");
  const t = isDispute ? await disputeTarget(orm, pi) : target(object);
  // Organizations are behind row-level security (0052): the org named by the event is read in its own context.
  const org = t ? await orgEntityManager(orm, t.orgId).transactional((em) => em.findOne(Organization, { orgId: t.orgId })) : null;
  if (isDispute && !org) {
    // Its payment's event has not arrived yet (or it is not ours): not acknowledged, so Stripe delivers it again later.
    throw conflict("The payment this dispute is about is not recorded yet.");
  }
  if (!t || !org) {
    // No org to file it under (a foreign checkout, a test ping): only the receipt, so redeliveries stay no-ops.
    const rows = await orm.em
      .fork()
      .execute<{ stripe_event_id: string }[]>(
        `INSERT INTO stripe_event_receipts (stripe_event_id) VALUES (?) ON CONFLICT DO NOTHING RETURNING stripe_event_id`,
        [event.id],
      );
    return rows.length > 0 ? "recorded" : "duplicate";
  }
  const at = clock();
  return mutate(orgEntityManager(orm, t.orgId), { userId: null, ip: null, requestId }, async (tx, audit) => {
    const fresh = await tx.execute<{ stripe_event_id: string }[]>(
      `INSERT INTO stripe_event_receipts (stripe_event_id, org_id, payment_intent_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING RETURNING stripe_event_id`,
      [event.id, t.orgId, pi],
    );
    if (fresh.length === 0) return "duplicate";
    const stored = tx.create(StripeEvent, {
      stripeEventId: event.id,
      type: event.type,
      payload: event,
      receivedAt: at,
      processedAt: null,
      error: null,
    });
    audit.record({
      action: "stripe_event.received",
      entityType: "stripe_event",
      entityId: stored.id,
      changes: { stripe_event_id: event.id, type: event.type },
    });
    let result: string;
    try {
      if (event.type === "checkout.session.completed" || event.type === "payment_intent.succeeded") {
        result = await applyPayment(tx, audit, t, event.type, object, at);
      } else if (isDispute) {
        result = await applyDispute(tx, audit, object, at);
      } else if (event.type === "charge.refunded") {
        result = await applyRefund(tx, audit, t, object, at);
      } else {
        result = "not handled";
      }
      stored.processedAt = at;
    } catch (err) {
      if (!(err instanceof Refused)) throw err;
      stored.error = err.message;
      result = "refused";
    }
    // The outcome, in the flush that writes processed_at/error and the invoice's new state.
    audit.record({
      action: "stripe_event.processed",
      entityType: "stripe_event",
      entityId: stored.id,
      changes: { stripe_event_id: event.id, type: event.type, result, error: stored.error },
    });
    return "recorded";
  });
}
