import { invoiceBalance, type AdjustmentKind, type Balance } from "@cleanops/billing";
import { entities, keysetAfter, NEWEST_FIRST, type IInvoice, type IInvoiceItem } from "@cleanops/db";
import { notFound } from "@cleanops/http";
import { LockMode } from "@mikro-orm/core";
import type { EntityManager, FilterQuery } from "@mikro-orm/postgresql";
import type { ListInvoicesInput } from "./invoices.schemas.ts";
import { invoiceView, type InvoiceView } from "./invoices.view.ts";

const { FinancialAdjustmentEvent, Invoice, InvoiceItem, InvoicePayment } = entities;

/**
 * An invoice of the org, or 404 (another org's id answers like a missing one). With `lock`, its row is locked
 * (FOR UPDATE) for the rest of the transaction: every change to an invoice's money (payment, ledger row, issue,
 * void) takes this lock first, so two of them never read the same balance.
 */
export async function findInvoice(em: EntityManager, id: string, options: { lock?: boolean } = {}): Promise<IInvoice> {
  const invoice = await em.findOne(Invoice, { id }, options.lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {});
  if (!invoice) throw notFound("No such invoice.");
  return invoice;
}

export async function itemsOf(em: EntityManager, invoiceIds: readonly string[]): Promise<Map<string, IInvoiceItem[]>> {
  const out = new Map<string, IInvoiceItem[]>(invoiceIds.map((id) => [id, []]));
  if (invoiceIds.length === 0) return out;
  const rows = await em.find(InvoiceItem, { invoice: { $in: [...invoiceIds] } }, { orderBy: { position: "asc" } });
  for (const row of rows) out.get(row.invoice.id)?.push(row);
  return out;
}

export type Ledger = {
  payments: { amountCents: number }[];
  adjustments: { kind: AdjustmentKind; amountCents: number }[];
};

/** The payments and ledger rows of invoices, read from the database (under the invoice's lock when it is held). */
export async function ledgersOf(em: EntityManager, invoiceIds: readonly string[]): Promise<Map<string, Ledger>> {
  const out = new Map<string, Ledger>(invoiceIds.map((id) => [id, { payments: [], adjustments: [] }]));
  if (invoiceIds.length === 0) return out;
  const ids = [...invoiceIds];
  // Sequential on purpose: inside a transaction the EntityManager has one connection and runs one query at a time.
  const payments = await em.find(InvoicePayment, { invoice: { $in: ids } });
  const adjustments = await em.find(FinancialAdjustmentEvent, { invoice: { $in: ids } });
  for (const p of payments) out.get(p.invoice.id)?.payments.push({ amountCents: p.amountCents });
  for (const a of adjustments) out.get(a.invoice.id)?.adjustments.push({ kind: a.kind, amountCents: a.amountCents });
  return out;
}

export const balanceOf = (invoice: IInvoice, ledger: Ledger | undefined): Balance =>
  invoiceBalance({ totalCents: invoice.totalCents, payments: ledger?.payments ?? [], adjustments: ledger?.adjustments ?? [] });

/** The views of invoices, with their items and balances read in two queries for the whole page. */
export async function invoiceViews(em: EntityManager, invoices: readonly IInvoice[]): Promise<InvoiceView[]> {
  const ids = invoices.map((i) => i.id);
  const items = await itemsOf(em, ids);
  const ledgers = await ledgersOf(em, ids);
  return invoices.map((i) => invoiceView(i, items.get(i.id) ?? [], balanceOf(i, ledgers.get(i.id))));
}

export async function getInvoice(em: EntityManager, id: string): Promise<InvoiceView> {
  const [view] = await invoiceViews(em, [await findInvoice(em, id)]);
  if (!view) throw notFound("No such invoice.");
  return view;
}

export async function listInvoices(em: EntityManager, orgId: string, q: ListInvoicesInput): Promise<IInvoice[]> {
  const where: FilterQuery<IInvoice>[] = [keysetAfter<IInvoice>("invoices", orgId, q.cursor)];
  if (q.status) where.push({ status: q.status });
  if (q.client_id) where.push({ client: q.client_id });
  if (q.from) where.push({ issuedAt: { $gte: q.from } });
  if (q.to) where.push({ issuedAt: { $lt: q.to } });
  return em.find(Invoice, { $and: where }, { orderBy: NEWEST_FIRST, limit: q.limit + 1 });
}
