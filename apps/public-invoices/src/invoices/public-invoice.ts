import { hashToken } from "@cleanops/auth";
import { raw } from "@mikro-orm/core";
import { lineTotals } from "@cleanops/billing";
import { entities, resolvePublicInvoiceToken, withOrg } from "@cleanops/db";
import type { MikroORM } from "@mikro-orm/postgresql";
import { balanceOf, ledgerOf } from "./ledger.ts";

const { Invoice, InvoiceItem, InvoicePublicToken, Organization } = entities;

export type PublicInvoiceItem = {
  description: string;
  quantity: number;
  unit_price_cents: number;
  tax_rate_bps: number;
  /** quantity × unit price, before tax (as the subtotal adds them up). */
  net_cents: number;
};

/** The fixed JSON of `GET /i/{token}` (api.md): what a link holder may see, and nothing about other invoices. */
export type PublicInvoiceView = {
  org_name: string;
  number: string;
  status: string;
  currency: string;
  items: PublicInvoiceItem[];
  subtotal_cents: number;
  tax_cents: number;
  total_cents: number;
  amount_paid_cents: number;
  balance_cents: number;
  issued_at: string | null;
  due_at: string | null;
};

export type OpenedInvoice = { orgId: string; invoiceId: string; view: PublicInvoiceView };

/**
 * Opens a link: the token's hash goes through the one cross-org lookup, and everything after it runs in the org it
 * returned. Drafts and void invoices are not shown (a draft has no number; a voided one is not owed), exactly like an
 * unknown token. `countView` records the visit (last_viewed_at, view_count) in the same transaction.
 */
export async function openPublicInvoice(orm: MikroORM, token: string, now: Date, countView: boolean): Promise<OpenedInvoice | null> {
  const target = await resolvePublicInvoiceToken(orm.em.fork(), token);
  if (!target) return null;
  return withOrg(orm, target.orgId, async (em) => {
    const invoice = await em.findOne(Invoice, { id: target.invoiceId });
    if (!invoice?.number || invoice.status === "draft" || invoice.status === "void") return null;
    const org = await em.findOne(Organization, { orgId: target.orgId });
    const items = await em.find(InvoiceItem, { invoice: invoice.id }, { orderBy: { position: "asc" } });
    const balance = balanceOf(invoice, await ledgerOf(em, invoice.id));
    if (countView) {
      // One UPDATE in the database, so concurrent views all count; only the link that was opened.
      await em.nativeUpdate(InvoicePublicToken, { tokenHash: hashToken(token) }, { lastViewedAt: now, viewCount: raw("view_count + 1") });
    }
    return {
      orgId: target.orgId,
      invoiceId: invoice.id,
      view: {
        org_name: org?.name ?? "",
        number: invoice.number,
        status: invoice.status,
        currency: invoice.currency,
        items: items.map((i) => ({
          description: i.description,
          quantity: i.quantity,
          unit_price_cents: i.unitPriceCents,
          tax_rate_bps: i.taxRateBps,
          net_cents: lineTotals(i).netCents,
        })),
        subtotal_cents: invoice.subtotalCents,
        tax_cents: invoice.taxCents,
        total_cents: invoice.totalCents,
        amount_paid_cents: balance.amountPaidCents,
        balance_cents: balance.balanceCents,
        issued_at: invoice.issuedAt?.toISOString() ?? null,
        due_at: invoice.dueAt?.toISOString() ?? null,
      },
    };
  });
}
