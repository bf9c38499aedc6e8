/** English everywhere on the public pages, whatever the org's own language (the rule). */
const LOCALE = "en-US";

/** Minor units → "€1,234.50": the currency's own number of decimals (JPY has none), never floating sums. */
export function formatMoney(cents: number, currency: string): string {
  const format = new Intl.NumberFormat(LOCALE, { style: "currency", currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(cents / 10 ** digits);
}

/** Dates are stored in UTC and shown as UTC calendar days, so the page reads the same everywhere. */
export function formatDate(iso: string | null): string {
  if (iso === null) return "—";
  return new Intl.DateTimeFormat(LOCALE, { dateStyle: "long", timeZone: "UTC" }).format(new Date(iso));
}

export function formatRate(bps: number): string {
  return `${(bps / 100).toLocaleString(LOCALE, { maximumFractionDigits: 2 })}%`;
}

const STATUS_LABELS: Readonly<Record<string, string>> = {
  issued: "Due",
  partially_paid: "Partially paid",
  paid: "Paid",
};

export const statusLabel = (status: string): string => STATUS_LABELS[status] ?? status;

const ESCAPES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Every value from the database goes through this: item descriptions and org names are typed by people. */
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
