import { hashToken } from "@cleanops/auth";
import { invoiceBalance, lineTotals, type AdjustmentKind } from "@cleanops/billing";
import { isoUtc, resolvePublicInvoiceToken, sqlRows, withOrg } from "@cleanops/db";
import type { MikroORM } from "@mikro-orm/postgresql";

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

type InvoiceRow = {
  id: string;
  number: string | null;
  status: string;
  currency: string;
  subtotal_cents: number;
  tax_cents: number;
  total_cents: number;
  issued_at: string | null;
  due_at: string | null;
  org_name: string;
  items: Json<{ description: string; quantity: number; unit_price_cents: number; tax_rate_bps: number }[]>;
  payments: Json<number[]>;
  adjustments: Json<{ kind: AdjustmentKind; amount_cents: number }[]>;
};
/** A json column: parsed by the driver, or text when the connection keeps json as text. */
type Json<T> = T | string;
const parsed = <T>(v: Json<T>): T => (typeof v === "string" ? (JSON.parse(v) as T) : v);

/**
 * The invoice, its org's name, its lines in order and its ledger in ONE statement (json_agg subqueries, each on an
 * index led by org_id): the link is the customers' one page, opened far more often than anything changes it. Exported
 * for `pnpm bench`'s baseline, which sends the same statement.
 */
export const INVOICE_SQL = `SELECT i.id, i.number, i.status, i.currency, i.subtotal_cents, i.tax_cents, i.total_cents,
    ${isoUtc("i.issued_at")} AS issued_at, ${isoUtc("i.due_at")} AS due_at, o.name AS org_name,
    coalesce((SELECT json_agg(json_build_object('description', it.description, 'quantity', it.quantity,
        'unit_price_cents', it.unit_price_cents, 'tax_rate_bps', it.tax_rate_bps) ORDER BY it.position)
      FROM invoice_items it WHERE it.org_id = i.org_id AND it.invoice_id = i.id), '[]') AS items,
    coalesce((SELECT json_agg(p.amount_cents) FROM invoice_payments p WHERE p.org_id = i.org_id AND p.invoice_id = i.id), '[]') AS payments,
    coalesce((SELECT json_agg(json_build_object('kind', a.kind, 'amount_cents', a.amount_cents))
      FROM financial_adjustment_events a WHERE a.org_id = i.org_id AND a.invoice_id = i.id), '[]') AS adjustments
  FROM invoices i JOIN organizations o ON o.org_id = i.org_id
 WHERE i.org_id = $1 AND i.id = $2`;

/**
 * Opens a link: the token's hash goes through the one cross-org lookup, and everything after it runs in the org it
 * returned. Drafts and void invoices are not shown (a draft has no number; a voided one is not owed), exactly like an
 * unknown token. `countView` records the visit (last_viewed_at, view_count) in the same transaction.
 */
export async function openPublicInvoice(orm: MikroORM, token: string, now: Date, countView: boolean): Promise<OpenedInvoice | null> {
  const target = await resolvePublicInvoiceToken(orm.em.fork(), token);
  if (!target) return null;
  // The view count is the only write: it commits without waiting for the WAL flush (a crash of the database may lose
  // the last moment's counts, nothing else), instead of an fsync for every customer opening a link.
  return withOrg(
    orm,
    target.orgId,
    async (em) => {
      const [invoice] = await sqlRows<InvoiceRow>(em, INVOICE_SQL, [target.orgId, target.invoiceId]);
      if (!invoice?.number || invoice.status === "draft" || invoice.status === "void") return null;
      const items = parsed(invoice.items);
      const balance = invoiceBalance({
        totalCents: invoice.total_cents,
        payments: parsed(invoice.payments).map((amountCents) => ({ amountCents })),
        adjustments: parsed(invoice.adjustments).map((a) => ({ kind: a.kind, amountCents: a.amount_cents })),
      });
      if (countView) {
        // One UPDATE in the database, so concurrent views all count; only the link that was opened.
        await sqlRows(
          em,
          `UPDATE invoice_public_tokens SET last_viewed_at = $3, view_count = view_count + 1 WHERE org_id = $1 AND token_hash = $2`,
          [target.orgId, hashToken(token), now],
        );
      }
      return {
        orgId: target.orgId,
        invoiceId: invoice.id,
        view: {
          org_name: invoice.org_name,
          number: invoice.number,
          status: invoice.status,
          currency: invoice.currency,
          items: items.map((i) => ({
            description: i.description,
            quantity: i.quantity,
            unit_price_cents: i.unit_price_cents,
            tax_rate_bps: i.tax_rate_bps,
            net_cents: lineTotals({ quantity: i.quantity, unitPriceCents: i.unit_price_cents, taxRateBps: i.tax_rate_bps }).netCents,
          })),
          subtotal_cents: invoice.subtotal_cents,
          tax_cents: invoice.tax_cents,
          total_cents: invoice.total_cents,
          amount_paid_cents: balance.amountPaidCents,
          balance_cents: balance.balanceCents,
          issued_at: invoice.issued_at ? new Date(invoice.issued_at).toISOString() : null,
          due_at: invoice.due_at ? new Date(invoice.due_at).toISOString() : null,
        },
      };
    },
    { asynchronousCommit: countView },
  );
}
