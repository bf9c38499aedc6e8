import { readdirSync, readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

/**
 * The build's budgets (issue 16): the JavaScript a first visit loads is at most 250 KB gzipped, and the built page
 * names no host but its own (fonts, scripts, styles, images: all same-origin; admin-api is reached through /api).
 * At run time the server's Content-Security-Policy (connect-src 'self') and the end-to-end test hold the same line.
 */
export const INITIAL_JS_BUDGET_BYTES = 250 * 1024;

type ManifestChunk = { file: string; isEntry?: boolean; imports?: string[]; css?: string[] };

export function initialJavaScript(dist: URL): { files: string[]; gzipBytes: number } {
  const manifest = JSON.parse(readFileSync(new URL(".vite/manifest.json", dist), "utf8")) as Record<string, ManifestChunk>;
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const dep of manifest[key]?.imports ?? []) visit(dep);
  };
  for (const [key, chunk] of Object.entries(manifest)) if (chunk.isEntry) visit(key);
  const files = [...seen].map((k) => manifest[k]?.file ?? "").filter((f) => f.endsWith(".js"));
  const gzipBytes = files.reduce((sum, f) => sum + gzipSync(readFileSync(new URL(f, dist)), { level: 9 }).length, 0);
  return { files, gzipBytes };
}

/** Absolute URLs the page itself would load (src/href in the HTML, url() in the CSS). */
export function foreignReferences(dist: URL): string[] {
  const found: string[] = [];
  const html = readFileSync(new URL("index.html", dist), "utf8");
  for (const m of html.matchAll(/(?:src|href)\s*=\s*["']((?:https?:)?\/\/[^"']+)/gi)) found.push(`index.html: ${m[1]}`);
  for (const f of readdirSync(new URL("assets/", dist)).filter((n) => n.endsWith(".css"))) {
    const css = readFileSync(new URL(`assets/${f}`, dist), "utf8");
    for (const m of css.matchAll(/url\(\s*["']?((?:https?:)?\/\/[^"')]+)/gi)) found.push(`${f}: ${m[1]}`);
    for (const m of css.matchAll(/@import\s+["']((?:https?:)?\/\/[^"']+)/gi)) found.push(`${f}: ${m[1]}`);
  }
  return found;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dist = new URL("../dist/", import.meta.url);
  const js = initialJavaScript(dist);
  const foreign = foreignReferences(dist);
  console.log(
    `initial JavaScript: ${(js.gzipBytes / 1024).toFixed(1)} KB gzipped of ${INITIAL_JS_BUDGET_BYTES / 1024} KB (${js.files.join(", ")})`,
  );
  if (js.gzipBytes > INITIAL_JS_BUDGET_BYTES) {
    console.error("over the initial JavaScript budget");
    process.exit(1);
  }
  if (foreign.length) {
    console.error(`the page references other hosts:\n${foreign.join("\n")}`);
    process.exit(1);
  }
}
