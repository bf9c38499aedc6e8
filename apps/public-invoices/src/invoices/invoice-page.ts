import { escapeHtml, formatDate, formatMoney, formatRate, statusLabel } from "./format.ts";
import type { PublicInvoiceView } from "./public-invoice.ts";

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f4f5f7;color:#1d2330}
main{max-width:760px;margin:2rem auto;background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.1)}
h1{margin:0 0 .25rem;font-size:1.5rem}.muted{color:#5b6474}table{width:100%;border-collapse:collapse;margin:1.5rem 0}
th,td{text-align:left;padding:.5rem;border-bottom:1px solid #e3e6ea}td.n,th.n{text-align:right}
.totals td{border:none;padding:.25rem .5rem}.totals tr.strong td{font-weight:700}
.status{display:inline-block;padding:.2rem .6rem;border-radius:999px;background:#eef;font-weight:600}
.status.paid{background:#d7f5df;color:#14532d}button{font-size:1rem;padding:.7rem 1.4rem;border:0;border-radius:6px;background:#2454d6;color:#fff;cursor:pointer}
.notice{padding:.75rem 1rem;border-radius:6px;background:#eef6ff;margin-bottom:1rem}
`;

/** The shell of every public page: English, no referrer, nothing external to load. */
export function htmlDocument(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main>${body}</main></body></html>`;
}

export type InvoicePageOptions = {
  /** Where the Pay form posts and the PDF link points (the link's own path). */
  basePath: string;
  notice?: string;
};

/** The invoice as the customer reads it: who bills, what for, what is paid and what is left, and Pay while owed. */
export function invoicePage(view: PublicInvoiceView, options: InvoicePageOptions): string {
  const money = (cents: number) => escapeHtml(formatMoney(cents, view.currency));
  const rows = view.items
    .map(
      (i) =>
        `<tr><td>${escapeHtml(i.description)}</td><td class="n">${i.quantity}</td><td class="n">${money(i.unit_price_cents)}</td>` +
        `<td class="n">${escapeHtml(formatRate(i.tax_rate_bps))}</td><td class="n">${money(i.net_cents)}</td></tr>`,
    )
    .join("");
  const pay =
    view.balance_cents > 0
      ? `<form method="post" action="${escapeHtml(options.basePath)}/pay"><button type="submit" id="pay">Pay ${money(view.balance_cents)}</button></form>`
      : `<p><strong>Thank you: this invoice is paid in full.</strong></p>`;
  const notice = options.notice ? `<p class="notice" role="status">${escapeHtml(options.notice)}</p>` : "";
  const body = `${notice}
<p class="muted">${escapeHtml(view.org_name)}</p>
<h1>Invoice ${escapeHtml(view.number)}</h1>
<p><span class="status ${escapeHtml(view.status)}" id="status">${escapeHtml(statusLabel(view.status))}</span></p>
<p>Issued: ${escapeHtml(formatDate(view.issued_at))}<br>Due: ${escapeHtml(formatDate(view.due_at))}</p>
<table><thead><tr><th>Description</th><th class="n">Qty</th><th class="n">Unit price</th><th class="n">Tax</th><th class="n">Amount</th></tr></thead>
<tbody>${rows}</tbody></table>
<table class="totals">
<tr><td>Subtotal</td><td class="n">${money(view.subtotal_cents)}</td></tr>
<tr><td>Tax</td><td class="n">${money(view.tax_cents)}</td></tr>
<tr class="strong"><td>Total</td><td class="n">${money(view.total_cents)}</td></tr>
<tr><td>Amount paid</td><td class="n">${money(view.amount_paid_cents)}</td></tr>
<tr class="strong"><td>Balance due</td><td class="n" id="balance">${money(view.balance_cents)}</td></tr>
</table>
${pay}
<p><a href="${escapeHtml(options.basePath)}/pdf">Download PDF</a></p>`;
  return htmlDocument(`Invoice ${view.number} from ${view.org_name}`, body);
}

/** One page for every link that opens nothing (unknown, expired, revoked): nothing tells them apart. */
export const NOT_FOUND_PAGE = htmlDocument(
  "Invoice not found",
  `<h1>Invoice not found</h1><p>This invoice link is not valid. It may have expired or been withdrawn; please ask the sender for a new link.</p>`,
);
