import { generateOpaqueToken, hashToken } from "@cleanops/auth";
import { invoiceTotals } from "@cleanops/billing";
import { allocateInvoiceNumber, entities, type IInvoice, type IInvoiceItem, type IInvoicePublicToken } from "@cleanops/db";
import { notFound } from "@cleanops/http";
import { LockMode, type EntityManager } from "@mikro-orm/postgresql";
import type { AdminContext } from "../../kernel/context.ts";
import { findBooking } from "../bookings/bookings.queries.ts";
import { findClient } from "../clients/clients.queries.ts";
import { invoiceErrors } from "./invoices.errors.ts";
import { applyBalance, assertWithinLimit, lockForMoney } from "./invoices.money.ts";
import { balanceOf, findInvoice, itemsOf, ledgersOf } from "./invoices.queries.ts";
import type { CreateInvoiceInput, InvoiceItemInputValue, RecordPaymentInput } from "./invoices.schemas.ts";
import { invoiceView, paymentView, publicLinkView, type InvoiceView } from "./invoices.view.ts";

const { EmailEvent, Invoice, InvoiceItem, InvoicePayment, InvoicePublicToken, Organization, OrganizationUsageEvent, ReferralCredit } =
  entities;

const DAY_MS = 86_400_000;
/** A link made by "send" lives as long as a default link. */
export const SEND_LINK_DAYS = 30;

type ItemInput = { description: string; quantity: number; unitPriceCents: number; taxRateBps: number };

const fromBody = (items: readonly InvoiceItemInputValue[]): ItemInput[] =>
  items.map((i) => ({ description: i.description, quantity: i.quantity, unitPriceCents: i.unit_price_cents, taxRateBps: i.tax_rate_bps }));

/** Creates the lines (positions 0..n-1) and puts the server-computed totals on the invoice. */
function writeItems(tx: EntityManager, invoice: IInvoice, items: readonly ItemInput[]): IInvoiceItem[] {
  const rows = items.map((item, position) => tx.create(InvoiceItem, { invoice, position, ...item }));
  const totals = invoiceTotals(items);
  invoice.subtotalCents = totals.subtotalCents;
  invoice.taxCents = totals.taxCents;
  invoice.totalCents = totals.totalCents;
  return rows;
}

const emptyBalance = (invoice: IInvoice) => balanceOf(invoice, undefined);

/**
 * A draft invoice, by hand or from a booking. From a booking, the booking's base price and each of its add-ons (at
 * the price copied onto the booking) become the lines, and client and currency are the booking's. The booking's row
 * lock makes "one open invoice per booking" hold under concurrent requests.
 */
export async function createInvoice(ctx: AdminContext, input: CreateInvoiceInput): Promise<InvoiceView> {
  return ctx.mutate(async (tx, audit) => {
    let clientId: string;
    let currency: string;
    let bookingId: string | null = null;
    let items: ItemInput[];
    if (input.booking_id !== undefined) {
      const booking = await findBooking(tx, input.booking_id, { lock: true });
      if (booking.status === "cancelled") throw invoiceErrors.booking_not_invoiceable("A cancelled booking is not invoiced.");
      const open = await tx.count(Invoice, { booking: booking.id, status: { $ne: "void" } });
      if (open > 0) throw invoiceErrors.booking_not_invoiceable("The booking already has an invoice; void it first.");
      const taxRateBps = input.tax_rate_bps ?? 0;
      const day = booking.startsAt.toISOString().slice(0, 10);
      items = [
        { description: `Cleaning on ${day} (${booking.durationMinutes} min)`, quantity: 1, unitPriceCents: booking.priceCents, taxRateBps },
        ...booking.addons
          .getItems()
          .map((a) => ({ description: a.addon.getEntity().name, quantity: a.quantity, unitPriceCents: a.unitPriceCents, taxRateBps }))
          .sort((x, y) => x.description.localeCompare(y.description)),
      ];
      clientId = booking.client.id;
      currency = booking.currency;
      bookingId = booking.id;
    } else {
      // The schema guarantees the hand-made shape here.
      clientId = (await findClient(tx, input.client_id ?? "")).id;
      currency = input.currency ?? "";
      items = fromBody(input.items ?? []);
    }
    const invoice = tx.create(Invoice, {
      number: null,
      client: clientId,
      booking: bookingId,
      status: "draft",
      currency,
      amountPaidCents: 0,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    });
    const rows = writeItems(tx, invoice, items);
    const view = invoiceView(invoice, rows, emptyBalance(invoice));
    audit.created("invoice", invoice.id, view);
    return view;
  });
}

/** Replaces every line of a draft; an issued invoice's lines are what the client was sent and never change. */
export async function replaceItems(ctx: AdminContext, id: string, items: readonly InvoiceItemInputValue[]): Promise<InvoiceView> {
  return ctx.mutate(async (tx, audit) => {
    const invoice = await findInvoice(tx, id, { lock: true });
    if (invoice.status !== "draft") throw invoiceErrors.invoice_not_draft(undefined, { details: { status: invoice.status } });
    const old = (await itemsOf(tx, [invoice.id])).get(invoice.id) ?? [];
    const before = invoiceView(invoice, old, emptyBalance(invoice));
    // Deleted now, before the new lines are inserted at the same positions (unique (invoice_id, position)).
    await tx.nativeDelete(InvoiceItem, { invoice: invoice.id });
    for (const row of old) tx.getUnitOfWork().unsetIdentity(row);
    invoice.updatedAt = ctx.now;
    const rows = writeItems(tx, invoice, fromBody(items));
    const view = invoiceView(invoice, rows, emptyBalance(invoice));
    audit.updated("invoice", invoice.id, before, view, "invoice.items_replaced");
    return view;
  });
}

/**
 * Issues a draft: the org's next number (gapless: taken in this transaction, so a failed issue spends none), totals
 * recomputed on the server from the lines, due date from the org's payment terms, and the usage meter, all in one
 * transaction.
 */
export async function issueInvoice(ctx: AdminContext, id: string): Promise<InvoiceView> {
  return ctx.mutate(async (tx, audit) => {
    const invoice = await findInvoice(tx, id, { lock: true });
    if (invoice.status !== "draft") throw invoiceErrors.invoice_not_draft(undefined, { details: { status: invoice.status } });
    const items = (await itemsOf(tx, [invoice.id])).get(invoice.id) ?? [];
    if (items.length === 0) throw invoiceErrors.invoice_empty();
    const before = invoiceView(invoice, items, emptyBalance(invoice));
    const org = await tx.findOneOrFail(Organization, { orgId: ctx.orgId });
    const totals = invoiceTotals(items);
    invoice.number = await allocateInvoiceNumber(tx);
    invoice.subtotalCents = totals.subtotalCents;
    invoice.taxCents = totals.taxCents;
    invoice.totalCents = totals.totalCents;
    invoice.issuedAt = ctx.now;
    invoice.dueAt = new Date(ctx.now.getTime() + org.paymentTermsDays * DAY_MS);
    invoice.status = "issued";
    // A zero invoice is settled the moment it is issued.
    const balance = applyBalance(invoice, { payments: [], adjustments: [] }, ctx.now);
    tx.create(OrganizationUsageEvent, { organization: ctx.orgId, kind: "invoice_issued", quantity: 1, occurredAt: ctx.now });
    const view = invoiceView(invoice, items, balance);
    audit.updated("invoice", invoice.id, before, view, "invoice.issued");
    return view;
  });
}

/** Voids a draft or an unpaid invoice; once money came in, it is settled through the ledger instead. */
export async function voidInvoice(ctx: AdminContext, id: string): Promise<InvoiceView> {
  return ctx.mutate(async (tx, audit) => {
    const invoice = await findInvoice(tx, id, { lock: true });
    const items = (await itemsOf(tx, [invoice.id])).get(invoice.id) ?? [];
    const ledger = (await ledgersOf(tx, [invoice.id])).get(invoice.id);
    const balance = balanceOf(invoice, ledger);
    if (invoice.status === "void") return invoiceView(invoice, items, balance);
    if ((ledger?.payments.length ?? 0) > 0) throw invoiceErrors.invoice_has_payments();
    const before = invoiceView(invoice, items, balance);
    invoice.status = "void";
    invoice.updatedAt = ctx.now;
    const view = invoiceView(invoice, items, balance);
    audit.updated("invoice", invoice.id, before, view, "invoice.voided");
    return view;
  });
}

/**
 * Records money received in the office. The invoice's row lock is taken first and the balance is then read from the
 * database, so of two concurrent payments the second is judged against the balance the first left.
 */
export async function recordPayment(ctx: AdminContext, id: string, input: RecordPaymentInput) {
  return ctx.mutate(async (tx, audit) => {
    const { invoice, ledger, balance } = await lockForMoney(tx, id);
    if (input.currency !== undefined && input.currency !== invoice.currency) {
      throw invoiceErrors.currency_mismatch(`The invoice is in ${invoice.currency}.`, { details: { currency: invoice.currency } });
    }
    assertWithinLimit("payment", input.amount_cents, balance);
    const items = (await itemsOf(tx, [invoice.id])).get(invoice.id) ?? [];
    const before = invoiceView(invoice, items, balance);
    const payment = tx.create(InvoicePayment, {
      invoice,
      amountCents: input.amount_cents,
      currency: invoice.currency,
      method: input.method,
      provider: null,
      providerPaymentId: null,
      receivedAt: ctx.now,
      createdAt: ctx.now,
    });
    const after = applyBalance(invoice, { ...ledger, payments: [...ledger.payments, { amountCents: input.amount_cents }] }, ctx.now);
    const view = invoiceView(invoice, items, after);
    audit.created("invoice_payment", payment.id, paymentView(payment));
    audit.updated("invoice", invoice.id, before, view, "invoice.payment_recorded");
    return { ...paymentView(payment), invoice: view };
  });
}

/**
 * Pays an invoice with a client's granted referral credit: a payment of method `credit` for the credit's whole amount,
 * and the credit marked redeemed on that invoice. The credit's row lock (then the invoice's) makes it usable once,
 * however many requests try at the same time.
 */
export async function redeemCredit(ctx: AdminContext, id: string, creditId: string) {
  return ctx.mutate(async (tx, audit) => {
    const credit = await tx.findOne(ReferralCredit, { id: creditId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!credit) throw notFound("No such referral credit.");
    const { invoice, ledger, balance } = await lockForMoney(tx, id);
    if (credit.status !== "granted") throw invoiceErrors.credit_not_redeemable(undefined, { details: { status: credit.status } });
    if (credit.client.id !== invoice.client.id) throw invoiceErrors.credit_other_client();
    if (credit.currency !== invoice.currency) {
      throw invoiceErrors.currency_mismatch(`The credit is in ${credit.currency}, the invoice in ${invoice.currency}.`, {
        details: { currency: invoice.currency },
      });
    }
    assertWithinLimit("payment", credit.amountCents, balance);
    const items = (await itemsOf(tx, [invoice.id])).get(invoice.id) ?? [];
    const before = invoiceView(invoice, items, balance);
    const payment = tx.create(InvoicePayment, {
      invoice,
      amountCents: credit.amountCents,
      currency: invoice.currency,
      method: "credit",
      provider: null,
      providerPaymentId: null,
      receivedAt: ctx.now,
      createdAt: ctx.now,
    });
    credit.status = "redeemed";
    credit.redeemedInvoice = tx.getReference(Invoice, invoice.id, { wrapped: true });
    const after = applyBalance(invoice, { ...ledger, payments: [...ledger.payments, { amountCents: credit.amountCents }] }, ctx.now);
    const view = invoiceView(invoice, items, after);
    audit.created("invoice_payment", payment.id, { ...paymentView(payment), referral_credit_id: credit.id });
    audit.record({
      action: "referral_credit.redeemed",
      entityType: "referral_credit",
      entityId: credit.id,
      changes: { invoice_id: invoice.id },
    });
    audit.updated("invoice", invoice.id, before, view, "invoice.payment_recorded");
    return { ...paymentView(payment), invoice: view };
  });
}

export async function listPayments(ctx: AdminContext, id: string) {
  const invoice = await findInvoice(ctx.em, id);
  const rows = await ctx.em.find(InvoicePayment, { invoice: invoice.id }, { orderBy: { receivedAt: "asc", id: "asc" } });
  return { items: rows.map(paymentView) };
}

/** A fresh link (token ≥ 256 random bits, only its SHA-256 stored) for an invoice the client may see. */
function makeLink(tx: EntityManager, invoice: IInvoice, days: number, now: Date) {
  if (invoice.status === "draft" || invoice.status === "void") {
    throw invoiceErrors.invoice_not_issued(`A ${invoice.status} invoice has no public link.`, { details: { status: invoice.status } });
  }
  const token = generateOpaqueToken();
  const link = tx.create(InvoicePublicToken, {
    invoice,
    tokenHash: hashToken(token),
    expiresAt: new Date(now.getTime() + days * DAY_MS),
    revokedAt: null,
    lastViewedAt: null,
    viewCount: 0,
    createdAt: now,
  });
  return { link, token };
}

const linkUrl = (ctx: AdminContext, token: string) => `${ctx.services.publicInvoicesUrl}/i/${token}`;

export async function createPublicLink(ctx: AdminContext, id: string, days: number) {
  return ctx.mutate(async (tx, audit) => {
    const invoice = await findInvoice(tx, id);
    const { link, token } = makeLink(tx, invoice, days, ctx.now);
    const view = publicLinkView(link, ctx.now);
    // The audit row gets the link without its token: the log must never hold a credential.
    audit.created("invoice_public_link", link.id, view);
    return { ...view, token, url: linkUrl(ctx, token) };
  });
}

export async function listPublicLinks(ctx: AdminContext, id: string) {
  const invoice = await findInvoice(ctx.em, id);
  const rows = await ctx.em.find(InvoicePublicToken, { invoice: invoice.id }, { orderBy: { createdAt: "desc", id: "desc" } });
  return { items: rows.map((r) => publicLinkView(r, ctx.now)) };
}

/** Revokes a link at once (resolve_invoice_public_token skips revoked rows); revoking twice changes nothing. */
export async function revokePublicLink(ctx: AdminContext, id: string, linkId: string): Promise<void> {
  await ctx.mutate(async (tx, audit) => {
    const invoice = await findInvoice(tx, id);
    const link: IInvoicePublicToken | null = await tx.findOne(InvoicePublicToken, { id: linkId, invoice: invoice.id });
    if (!link) throw notFound("No such link.");
    if (link.revokedAt) return;
    const before = publicLinkView(link, ctx.now);
    link.revokedAt = ctx.now;
    audit.updated("invoice_public_link", link.id, before, publicLinkView(link, ctx.now), "invoice_public_link.revoked");
  });
}

/**
 * "Sends" an invoice: makes a fresh link and queues an `email_events` row (kind invoice_sent, status queued) whose
 * payload carries what the template needs, the link's URL included. The mail transport is an outbox a later sender
 * reads, so this request never waits on a mail server.
 */
export async function sendInvoice(ctx: AdminContext, id: string, toEmail: string | undefined) {
  return ctx.mutate(async (tx, audit) => {
    const invoice = await findInvoice(tx, id);
    const client = await findClient(tx, invoice.client.id);
    const to = toEmail ?? client.email ?? null;
    if (!to) throw invoiceErrors.no_recipient();
    const { link, token } = makeLink(tx, invoice, SEND_LINK_DAYS, ctx.now);
    const url = linkUrl(ctx, token);
    const ledger = (await ledgersOf(tx, [invoice.id])).get(invoice.id);
    const balance = balanceOf(invoice, ledger);
    const email = tx.create(EmailEvent, {
      invoice,
      booking: null,
      kind: "invoice_sent",
      toEmail: to,
      status: "queued",
      providerMessageId: null,
      error: null,
      payload: {
        template: "invoice_sent",
        invoice_number: invoice.number,
        client_name: client.name,
        currency: invoice.currency,
        total_cents: invoice.totalCents,
        balance_cents: balance.balanceCents,
        due_at: invoice.dueAt ? invoice.dueAt.toISOString() : null,
        link_id: link.id,
        url,
      },
      createdAt: ctx.now,
      updatedAt: ctx.now,
    });
    audit.created("invoice_public_link", link.id, publicLinkView(link, ctx.now));
    // The audit row names the recipient and the link, not the URL: the URL is a credential.
    audit.record({
      action: "invoice.sent",
      entityType: "invoice",
      entityId: invoice.id,
      changes: { email_event_id: email.id, to_email: to, link_id: link.id },
    });
    return {
      id: email.id,
      invoice_id: invoice.id,
      kind: "invoice_sent" as const,
      status: "queued" as const,
      to_email: to,
      link_id: link.id,
      url,
      created_at: email.createdAt.toISOString(),
    };
  });
}
