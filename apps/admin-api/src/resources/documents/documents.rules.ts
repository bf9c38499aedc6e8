/**
 * Pure rules of documents: which placeholders a template may use, how a body is rendered, and the status machine.
 * Values come from the org's own records but are typed by clients and staff, so every value is HTML-escaped when it
 * is put into a body; the template text itself is the org's own markup and stays as written.
 */

/** The only placeholders a template may use: a fixed list, so a typo is refused when the template is saved. */
export const PLACEHOLDERS = ["client.name", "client.email", "client.address", "booking.starts_at", "booking.address", "org.name"] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

const KNOWN: ReadonlySet<string> = new Set(PLACEHOLDERS);

// `{{ name }}` with optional spaces inside the braces; anything between the braces counts as a name.
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

const isPlaceholder = (name: string): name is Placeholder => KNOWN.has(name);

/** The placeholder names a body uses, each once, in order of first use. */
export function placeholdersIn(body: string): string[] {
  return [...new Set([...body.matchAll(PLACEHOLDER)].map((m) => m[1] ?? ""))];
}

/** The names a body uses that are not in the fixed list (empty when the template is valid). */
export const unknownPlaceholders = (body: string): string[] => placeholdersIn(body).filter((n) => !isPlaceholder(n));

/** What the placeholders of a body need: a client, a booking. */
export function sourcesNeeded(body: string): { client: boolean; booking: boolean } {
  const names = placeholdersIn(body);
  return { client: names.some((n) => n.startsWith("client.")), booking: names.some((n) => n.startsWith("booking.")) };
}

const ESCAPES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text made safe inside HTML element content and quoted attribute values. */
export const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

/** Values for rendering; a missing or null value renders as nothing. */
export type PlaceholderValues = Partial<Record<Placeholder, string | null>>;

/** The body with every known placeholder replaced by its escaped value (unknown ones cannot reach here: refused on save). */
export function renderTemplate(body: string, values: PlaceholderValues): string {
  return body.replace(PLACEHOLDER, (whole, name: string) => (isPlaceholder(name) ? escapeHtml(values[name] ?? "") : whole));
}

export const DOCUMENT_STATUS_VALUES = ["draft", "sent", "signed"] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUS_VALUES)[number];

/** draft → sent → signed, nothing else. */
const NEXT: Readonly<Record<DocumentStatus, DocumentStatus | null>> = { draft: "sent", sent: "signed", signed: null };

export function transitionRefusal(from: DocumentStatus, to: DocumentStatus): string | undefined {
  if (NEXT[from] === to) return undefined;
  const next = NEXT[from];
  return `A ${from} document cannot become ${to}${next ? ` (next: ${next})` : " (it is final)"}.`;
}

export const TEMPLATE_KIND_VALUES = ["contract", "quote", "service_agreement", "other"] as const;
