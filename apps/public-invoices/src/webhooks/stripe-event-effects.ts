import { randomUUID } from "node:crypto";
import { limitFor, type AdjustmentKind } from "@cleanops/billing";
import { entities, mutate, orgEntityManager, sqlRows, type Audit } from "@cleanops/db";
import { conflict } from "@cleanops/http";
import type { EntityManager, MikroORM } from "@mikro-orm/postgresql";
import { balanceOf, ledgerOf, lockInvoice, settle, type LockedInvoice } from "../invoices/ledger.ts";

const { Dispute, FinancialAdjustmentEvent, Invoice, InvoicePayment } = entities;

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

/** The invoice, locked, or a refusal: an invoice of another org is "unknown" here, so a mismatch moves nothing. */
async function lockedInvoice(tx: EntityManager, orgId: string, invoiceId: string): Promise<LockedInvoice> {
  const invoice = await lockInvoice(tx, orgId, invoiceId);
  if (!invoice) throw new Refused("unknown_invoice: no such invoice in the org of the event's metadata");
  return invoice;
}

type Effect = { tx: EntityManager; audit: Audit; orgId: string; now: Date };

/** Plain SQL, like the frame around it (`applyStripeEvent`): the webhook's common case, measured by `pnpm bench`. */
async function applyPayment(e: Effect, t: { invoiceId: string }, type: string, o: Obj): Promise<string> {
  const payment = paymentOf(type, o);
  if (payment === "ignored") return "not paid yet";
  if (payment === null) throw new Refused("malformed: amount, currency or payment id missing");
  const invoice = await lockedInvoice(e.tx, e.orgId, t.invoiceId);
  const ledger = await ledgerOf(e.tx, e.orgId, invoice.id, payment.providerPaymentId);
  // checkout.session.completed and payment_intent.succeeded describe the same money, in either order: one payment.
  if (ledger.hasPayment) return "already recorded";
  if (invoice.status === "draft" || invoice.status === "void") throw new Refused(`invoice_not_payable: the invoice is ${invoice.status}`);
  if (payment.currency !== invoice.currency)
    throw new Refused(`currency_mismatch: ${payment.currency} paid, invoice in ${invoice.currency}`);
  if (payment.amountCents <= 0) throw new Refused("malformed: amount must be positive");
  const limit = limitFor("payment", balanceOf(invoice, ledger));
  if (payment.amountCents > limit) throw new Refused(`amount_above_balance: ${payment.amountCents} paid, balance ${limit}`);
  const id = randomUUID();
  await sqlRows(
    e.tx,
    `INSERT INTO invoice_payments (id, org_id, invoice_id, amount_cents, currency, method, provider, provider_payment_id, received_at)
     VALUES ($1, $2, $3, $4, $5, 'card', 'stripe', $6, $7)`,
    [id, e.orgId, invoice.id, payment.amountCents, payment.currency, payment.providerPaymentId, e.now],
  );
  e.audit.created("invoice_payment", id, {
    invoice_id: invoice.id,
    amount_cents: payment.amountCents,
    currency: payment.currency,
    method: "card",
  });
  await settle(e.tx, e.orgId, invoice, { ...ledger, payments: [...ledger.payments, { amountCents: payment.amountCents }] }, e.now);
  return "payment recorded";
}

/**
 * charge.refunded carries the charge's cumulative `amount_refunded`: the ledger gets the difference to what is
 * already recorded for that charge, so redeliveries and an older event arriving late add nothing.
 */
async function applyRefund(e: Effect, t: { invoiceId: string }, o: Obj): Promise<string> {
  const chargeId = str(o, "id");
  const refunded = int(o, "amount_refunded");
  const currency = str(o, "currency")?.toUpperCase();
  if (!chargeId || refunded === null || !currency) throw new Refused("malformed: charge id, amount_refunded or currency missing");
  const invoice = await lockedInvoice(e.tx, e.orgId, t.invoiceId);
  if (currency !== invoice.currency) throw new Refused(`currency_mismatch: ${currency} refunded, invoice in ${invoice.currency}`);
  const note = `stripe charge ${chargeId}`;
  const ledger = await ledgerOf(e.tx, e.orgId, invoice.id);
  const earlier = ledger.adjustments.filter((a) => a.kind === "refund" && a.note === note);
  const delta = refunded - earlier.reduce((sum, r) => sum + r.amountCents, 0);
  if (delta <= 0) return "refund already recorded";
  const limit = limitFor("refund", balanceOf(invoice, ledger));
  if (delta > limit) throw new Refused(`amount_above_held: ${delta} refunded, ${limit} held`);
  const id = randomUUID();
  await sqlRows(
    e.tx,
    `INSERT INTO financial_adjustment_events (id, org_id, invoice_id, kind, amount_cents, currency, actor_user_id, note)
     VALUES ($1, $2, $3, 'refund', $4, $5, NULL, $6)`,
    [id, e.orgId, invoice.id, delta, currency, note],
  );
  e.audit.created("financial_adjustment_event", id, { invoice_id: invoice.id, kind: "refund", amount_cents: delta });
  await settle(
    e.tx,
    e.orgId,
    invoice,
    { ...ledger, adjustments: [...ledger.adjustments, { kind: "refund", amountCents: delta, note }] },
    e.now,
  );
  return "refund recorded";
}

/**
 * charge.dispute.*: the card network's dispute of one of our payments, found by its PaymentIntent. The first event
 * of a dispute (whichever arrives first) opens the row; a closing status resolves it as admin-api's disputes do
 * (@cleanops/billing's ledger model): `won` moves nothing, `lost` appends a chargeback (the money went back) and a
 * write-off (the office gives up on it) of the disputed amount. Later or older events of a closed dispute do nothing.
 * Rare, so written through entities; the invoice's lock, ledger and money state are the payment's (ledger.ts).
 */
async function applyDispute(e: Effect, o: Obj): Promise<string> {
  const { tx, audit, now } = e;
  const disputeId = str(o, "id");
  const pi = str(o, "payment_intent");
  const amount = int(o, "amount");
  const currency = str(o, "currency")?.toUpperCase();
  const status = str(o, "status") ?? "";
  if (!disputeId || !pi || amount === null || amount <= 0 || !currency)
    throw new Refused("malformed: dispute id, payment_intent, amount or currency missing");
  const payment = await tx.findOne(InvoicePayment, { providerPaymentId: pi });
  if (!payment) throw new Refused("unknown_payment: no payment of this org has that PaymentIntent");
  const locked = await lockedInvoice(tx, e.orgId, payment.invoice.id);
  if (currency !== locked.currency) throw new Refused(`currency_mismatch: ${currency} disputed, invoice in ${locked.currency}`);
  if (amount > payment.amountCents) throw new Refused(`amount_above_payment: ${amount} disputed, ${payment.amountCents} paid`);
  const invoice = tx.getReference(Invoice, locked.id, { wrapped: true });
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
      invoice_id: locked.id,
      payment_id: payment.id,
      amount_cents: amount,
      provider_dispute_id: disputeId,
    });
    result = "dispute opened";
  }
  const outcome = status === "won" || status === "warning_closed" ? "won" : status === "lost" ? "lost" : null;
  if (outcome === null || dispute.status !== "open") return result;
  const ledger = await ledgerOf(tx, e.orgId, locked.id);
  if (outcome === "lost") {
    for (const kind of ["chargeback", "write_off"] as const satisfies readonly AdjustmentKind[]) {
      const limit = limitFor(kind, balanceOf(locked, ledger));
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
      audit.created("financial_adjustment_event", row.id, { invoice_id: locked.id, kind, amount_cents: row.amountCents });
      ledger.adjustments.push({ kind, amountCents: dispute.amountCents, note: row.note ?? null });
    }
  }
  dispute.status = outcome;
  dispute.resolvedAt = now;
  dispute.updatedAt = now;
  audit.record({ action: `dispute.${outcome}`, entityType: "dispute", entityId: dispute.id, changes: { provider_dispute_id: disputeId } });
  await tx.flush();
  await settle(tx, e.orgId, locked, ledger, now);
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
  const at = clock();
  const filed = t
    ? await mutate(orgEntityManager(orm, t.orgId), { userId: null, ip: null, requestId }, (tx, audit) =>
        fileAndApply({ tx, audit, orgId: t.orgId, now: at }, t, event, object, pi),
      )
    : "no_org";
  if (filed !== "no_org") return filed;
  if (isDispute) {
    // Its payment's event has not arrived yet (or it is not ours): not acknowledged, so Stripe delivers it again later.
    throw conflict("The payment this dispute is about is not recorded yet.");
  }
  // No org to file it under (a foreign checkout, a test ping): only the receipt, so redeliveries stay no-ops.
  const rows = await orm.em
    .fork()
    .execute<{ stripe_event_id: string }[]>(
      `INSERT INTO stripe_event_receipts (stripe_event_id) VALUES (?) ON CONFLICT DO NOTHING RETURNING stripe_event_id`,
      [event.id],
    );
  return rows.length > 0 ? "recorded" : "duplicate";
}

/**
 * Inside the org's transaction: the receipt (only if the org exists, and only once) and the org's copy of the event
 * in one statement, then the effect, then the event's outcome. Organizations are behind row-level security (0052):
 * the org named by the event is looked up in its own context.
 */
async function fileAndApply(
  e: Effect,
  t: { orgId: string; invoiceId: string },
  event: VerifiedEvent,
  object: Obj,
  pi: string | null,
): Promise<EventOutcome | "no_org"> {
  const storedId = randomUUID();
  const filed = await sqlRows<{ id: string }>(
    e.tx,
    `WITH receipt AS (
       INSERT INTO stripe_event_receipts (stripe_event_id, org_id, payment_intent_id)
       SELECT $3, $1, $4 WHERE EXISTS (SELECT 1 FROM organizations o WHERE o.org_id = $1)
       ON CONFLICT DO NOTHING
       RETURNING stripe_event_id
     )
     INSERT INTO stripe_events (id, org_id, stripe_event_id, type, payload, received_at)
     SELECT $2, $1, r.stripe_event_id, $5, $6::jsonb, $7 FROM receipt r
     RETURNING id`,
    [e.orgId, storedId, event.id, pi, event.type, JSON.stringify(event), e.now],
  );
  if (filed.length === 0) {
    const [org] = await sqlRows<{ id: string }>(e.tx, `SELECT o.org_id AS id FROM organizations o WHERE o.org_id = $1`, [e.orgId]);
    return org ? "duplicate" : "no_org";
  }
  e.audit.record({
    action: "stripe_event.received",
    entityType: "stripe_event",
    entityId: storedId,
    changes: { stripe_event_id: event.id, type: event.type },
  });
  let result: string;
  let error: string | null = null;
  try {
    if (event.type === "checkout.session.completed" || event.type === "payment_intent.succeeded") {
      result = await applyPayment(e, t, event.type, object);
    } else if (event.type.startsWith("charge.dispute.")) {
      result = await applyDispute(e, object);
    } else if (event.type === "charge.refunded") {
      result = await applyRefund(e, t, object);
    } else {
      result = "not handled";
    }
  } catch (err) {
    if (!(err instanceof Refused)) throw err;
    error = err.message;
    result = "refused";
  }
  await sqlRows(e.tx, `UPDATE stripe_events SET processed_at = $3, error = $4 WHERE org_id = $1 AND id = $2`, [
    e.orgId,
    storedId,
    error === null ? e.now : null,
    error,
  ]);
  e.audit.record({
    action: "stripe_event.processed",
    entityType: "stripe_event",
    entityId: storedId,
    changes: { stripe_event_id: event.id, type: event.type, result, error },
  });
  return "recorded";
}
