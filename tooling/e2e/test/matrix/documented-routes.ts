import type { Express } from "express";
import request from "supertest";
import type { AppName } from "./three-apps.ts";

type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  format?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
};

type Operation = {
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  "x-capability"?: string;
  "x-public"?: string;
};

type Document = { paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, JsonSchema> } };

export type DocumentedRoute = {
  app: AppName;
  method: "get" | "post" | "put" | "patch" | "delete";
  /** Express syntax (`/bookings/:id`), the key of the examples. */
  path: string;
  key: string;
  capability: string | undefined;
  /** An id (or token) in the path, or an id-named / uuid field anywhere in the JSON body. */
  takesId: boolean;
  /** Query parameters that name a row (`client_id`, `entity_id`, ...): the filters of list and search routes. */
  idFilters: string[];
  hasPathParams: boolean;
};

/** The contract's own two routes: the same in every app, and nothing of any org behind them. */
const META = new Set(["/openapi.json", "/docs"]);

function namesAnId(schema: JsonSchema | undefined, components: Record<string, JsonSchema>, depth = 0): boolean {
  if (!schema || depth > 8) return false;
  if (schema.$ref) return namesAnId(components[schema.$ref.replace("#/components/schemas/", "")], components, depth + 1);
  if (schema.format === "uuid") return true;
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    if (/_ids?$/.test(name) || namesAnId(prop, components, depth + 1)) return true;
  }
  return [schema.items, ...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])].some((s) =>
    namesAnId(s, components, depth + 1),
  );
}

/** Every route of an app as its own `GET /openapi.json` documents it: the matrix never keeps a list of its own. */
export async function documentedRoutes(app: AppName, express: Express): Promise<DocumentedRoute[]> {
  const res = await request(express).get("/openapi.json");
  if (res.status !== 200) throw new Error(`${app} serves no /openapi.json (${res.status}): the matrix reads its routes from it`);
  const doc = res.body as Document;
  const components = doc.components?.schemas ?? {};
  const out: DocumentedRoute[] = [];
  for (const [openApiPath, ops] of Object.entries(doc.paths)) {
    if (META.has(openApiPath)) continue;
    for (const [method, op] of Object.entries(ops)) {
      const path = openApiPath.replace(/\{([A-Za-z0-9_]+)\}/g, ":$1");
      const body = Object.values(op.requestBody?.content ?? {})[0]?.schema;
      const hasPathParams = path.includes(":");
      out.push({
        app,
        method: method as DocumentedRoute["method"],
        path,
        key: `${method.toUpperCase()} ${path}`,
        capability: op["x-capability"],
        takesId: hasPathParams || namesAnId(body, components),
        idFilters: (op.parameters ?? []).filter((p) => p.in === "query" && /_id$/.test(p.name)).map((p) => p.name),
        hasPathParams,
      });
    }
  }
  return out;
}
