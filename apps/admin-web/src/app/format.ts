/** Money and dates in the org's currency and the office's locale (English UI). */
export const DEFAULT_LOCALE = "en-GB";

export function formatMoney(cents: number, currency: string, locale = DEFAULT_LOCALE): string {
  return new Intl.NumberFormat(locale, { style: "currency", currency }).format(cents / 100);
}

export function formatDateTime(iso: string | null | undefined, locale = DEFAULT_LOCALE, timeZone?: string): string {
  if (!iso) return "—";
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", ...(timeZone ? { timeZone } : {}) }).format(
    new Date(iso),
  );
}

export function formatDate(iso: string | null | undefined, locale = DEFAULT_LOCALE): string {
  if (!iso) return "—";
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium" }).format(new Date(iso));
}

export function formatTime(iso: string, locale = DEFAULT_LOCALE, timeZone?: string): string {
  return new Intl.DateTimeFormat(locale, { timeStyle: "short", ...(timeZone ? { timeZone } : {}) }).format(new Date(iso));
}

/** "12.50" → 1250; refuses what is not a plain amount with at most two decimals. */
export function parseMoney(input: string): number | undefined {
  const m = /^\s*(\d{1,10})(?:[.,](\d{1,2}))?\s*$/.exec(input);
  if (!m) return undefined;
  return Number(m[1]) * 100 + Number((m[2] ?? "0").padEnd(2, "0"));
}

/** The local calendar date (YYYY-MM-DD) of a Date, in the browser's zone. */
export function localDate(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export const humanize = (s: string) => (s.charAt(0).toUpperCase() + s.slice(1)).replaceAll("_", " ");
