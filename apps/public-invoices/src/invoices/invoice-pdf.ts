import PDFDocument from "pdfkit";
import { formatDate, formatMoney, formatRate, statusLabel } from "./format.ts";
import type { PublicInvoiceView } from "./public-invoice.ts";

/** Fixed document dates: the same invoice always gives the same bytes (caches, tests, checksums). */
const DOCUMENT_DATE = new Date("2000-01-01T00:00:00Z");

/** The invoice as a PDF with pdfkit's bundled Helvetica (no font files to ship), in English. */
export function invoicePdf(view: PublicInvoiceView): Promise<Buffer> {
  const doc = new PDFDocument({
    size: "A4",
    margin: 50,
    font: "Helvetica",
    info: { Title: `Invoice ${view.number}`, Author: view.org_name, CreationDate: DOCUMENT_DATE, ModDate: DOCUMENT_DATE },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  const money = (cents: number) => formatMoney(cents, view.currency);
  doc.fontSize(10).fillColor("#555").text(view.org_name);
  doc.moveDown(0.5).fontSize(20).fillColor("#000").text(`Invoice ${view.number}`);
  doc
    .moveDown(0.5)
    .fontSize(10)
    .text(`Status: ${statusLabel(view.status)}`);
  doc.text(`Issued: ${formatDate(view.issued_at)}`).text(`Due: ${formatDate(view.due_at)}`);
  doc.moveDown();
  for (const item of view.items) {
    doc.text(
      `${item.description}  —  ${item.quantity} × ${money(item.unit_price_cents)}  (tax ${formatRate(item.tax_rate_bps)})  =  ${money(item.net_cents)}`,
    );
  }
  doc.moveDown();
  doc.text(`Subtotal: ${money(view.subtotal_cents)}`);
  doc.text(`Tax: ${money(view.tax_cents)}`);
  doc.text(`Total: ${money(view.total_cents)}`);
  doc.text(`Amount paid: ${money(view.amount_paid_cents)}`);
  doc.fontSize(12).text(`Balance due: ${money(view.balance_cents)}`);
  doc.end();
  return done;
}
