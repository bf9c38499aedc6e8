import { readFileSync, writeFileSync } from "node:fs";
import openapiTS, { astToString } from "openapi-typescript";

/**
 * src/api/schema.gen.ts: admin-api's committed OpenAPI document as TypeScript types, for openapi-fetch. The build and
 * typecheck run this first, so a changed route in admin-api breaks admin-web's build where the app uses it.
 * The output is committed (a fresh clone typechecks without a build); a test keeps the committed copy fresh.
 */
const source = new URL("../../../docs/openapi/admin-api.json", import.meta.url);
const target = new URL("../src/api/schema.gen.ts", import.meta.url);

/** admin-api's ids are lower-cased by a transform, so its document gives their format (uuid) but no type: a string. */
function withUuidStrings(node: unknown): never {
  if (Array.isArray(node)) return node.map(withUuidStrings) as never;
  if (node && typeof node === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) out[k] = withUuidStrings(v);
    if (out.format === "uuid" && !("type" in out)) out.type = "string";
    return out as never;
  }
  return node as never;
}

const banner = "// Generated from docs/openapi/admin-api.json by apps/admin-web/scripts/gen-api.ts: do not edit.\n";

/** The TypeScript of the committed document, exactly as this script writes it. */
export async function generateApiTypes(): Promise<string> {
  return banner + astToString(await openapiTS(withUuidStrings(JSON.parse(readFileSync(source, "utf8")))));
}

export const API_TYPES_FILE = target;

if (import.meta.url === `file://${process.argv[1]}`) {
  const generated = await generateApiTypes();
  let current = "";
  try {
    current = readFileSync(target, "utf8");
  } catch {
    // first generation
  }
  if (current !== generated) {
    writeFileSync(target, generated);
    console.log("wrote src/api/schema.gen.ts");
  }
}
