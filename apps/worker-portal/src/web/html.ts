/** Markup that is already safe: made only by `html` (escaped) or `trusted` (constants of this code). */
export class SafeHtml {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "`": "&#96;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ESCAPES[c] ?? c);
}

function render(value: unknown): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join("");
  if (value === null || value === undefined || value === false) return "";
  if (typeof value === "string") return escapeHtml(value);
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") return escapeHtml(String(value));
  // Objects have no business in a page: refuse rather than print "[object Object]" or a JSON dump.
  throw new TypeError("html: only strings, numbers, booleans, arrays and SafeHtml can be interpolated");
}

/**
 * The one template of the pages: every interpolated value is escaped (text and attribute values alike; attributes
 * are always quoted in our templates), unless it is itself the output of `html`.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? "";
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? "");
  return new SafeHtml(out);
}
