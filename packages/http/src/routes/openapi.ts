import { z } from "zod";
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject, type ZodOpenApiResponseObject } from "zod-openapi";
import { MODULE_ERROR_CODES } from "../errors/app-error.ts";
import { DEFAULT_ERROR_MESSAGE, ERROR_STATUS } from "../errors/error-codes.ts";
import { openApiPath, type AnyRoute } from "./route.ts";

/** The error body every route answers with, as a reusable component. */
export const ErrorResponse = z
  .object({
    error: z.object({
      code: z.string().meta({ description: "Stable machine-readable code; clients branch on it" }),
      message: z.string(),
      request_id: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .meta({ id: "Error" });

export type OpenApiInfo = { title: string; version: string; description?: string };

/** Every error code the app can answer, shared and module-owned, with its status (for the document's description). */
export function errorCodeTable(): { code: string; status: number; message: string }[] {
  const shared = Object.entries(ERROR_STATUS).map(([code, status]) => ({
    code,
    status,
    message: DEFAULT_ERROR_MESSAGE[code as keyof typeof ERROR_STATUS],
  }));
  const owned = [...MODULE_ERROR_CODES.entries()].map(([code, def]) => ({ code, status: def.status, message: def.message }));
  return [...shared, ...owned].sort((a, b) => a.status - b.status || a.code.localeCompare(b.code));
}

function statusOf(code: string): number | undefined {
  return (ERROR_STATUS as Record<string, number>)[code] ?? MODULE_ERROR_CODES.get(code)?.status;
}

const errorContent = { "application/json": { schema: ErrorResponse } };

/**
 * What the document reads of a route: a declaration without its handler. An app whose routes are plain Express
 * routers (public-invoices: HTML, PDF, redirects, a raw-body webhook) documents them with these, and a redirect
 * answers 303.
 */
export type RouteDocumentation = Omit<AnyRoute<never>, "handle" | "status"> & { status?: 200 | 201 | 204 | 303 };

function operation(route: RouteDocumentation): ZodOpenApiOperationObject {
  const isPublic = "public" in route.access;
  const status = String(route.status ?? 200);
  const responses: Record<string, ZodOpenApiResponseObject> = {
    [status]: route.response
      ? { description: route.summary, content: { "application/json": { schema: route.response } } }
      : route.produces
        ? {
            description: route.summary,
            content: Object.fromEntries(route.produces.map((t) => [t, { schema: { type: "string", contentMediaType: t } }])),
          }
        : { description: route.summary },
  };
  const errorStatuses = new Set<number>([400]);
  if (!isPublic) for (const s of [401, 403]) errorStatuses.add(s);
  if (route.path.includes(":")) errorStatuses.add(404);
  for (const code of route.errors ?? []) {
    const s = statusOf(code);
    if (s === undefined) throw new TypeError(`${route.method.toUpperCase()} ${route.path} documents an unknown error code ${code}`);
    errorStatuses.add(s);
  }
  for (const s of [...errorStatuses].sort()) {
    const codes = (route.errors ?? []).filter((c) => statusOf(c) === s);
    responses[String(s)] = { description: codes.length > 0 ? codes.join(", ") : `Error ${s}`, content: errorContent };
  }
  const requestParams: ZodOpenApiOperationObject["requestParams"] = {};
  if (route.params) requestParams.path = route.params as never;
  if (route.query) requestParams.query = route.query as never;
  return {
    operationId: `${route.method}${openApiPath(route.path)
      .replace(/[{}]/g, "")
      .replace(/[/_-]+(\w)/g, (_m, c: string) => c.toUpperCase())}`,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    ...(isPublic ? { security: [] } : {}),
    ...(Object.keys(requestParams).length > 0 ? { requestParams } : {}),
    ...(route.body ? { requestBody: { required: true, content: { "application/json": { schema: route.body } } } } : {}),
    ...(route.requestContent
      ? { requestBody: { required: true, content: { [route.requestContent.mediaType]: { schema: route.requestContent.schema } } } }
      : {}),
    responses,
    // The capability of the permission matrix, for clients that hide what a role cannot do.
    ...("capability" in route.access ? { "x-capability": route.access.capability } : { "x-public": route.access.public }),
  };
}

/** The OpenAPI 3.1 document of a list of route declarations: the same objects that route and validate requests. */
export function buildOpenApiDocument(routes: readonly RouteDocumentation[], info: OpenApiInfo): ReturnType<typeof createDocument> {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    const item = (paths[path] ??= {});
    if (item[route.method]) throw new TypeError(`Two declarations for ${route.method.toUpperCase()} ${route.path}`);
    item[route.method] = operation(route);
  }
  // The contract's own two routes (served by docsRouter), so the document lists every route of the app.
  paths["/openapi.json"] = {
    get: {
      operationId: "getOpenApiDocument",
      summary: "This OpenAPI 3.1 document",
      tags: ["meta"],
      security: [],
      responses: { "200": { description: "The document", content: { "application/json": { schema: z.record(z.string(), z.unknown()) } } } },
    },
  };
  paths["/docs"] = {
    get: {
      operationId: "getDocsPage",
      summary: "A browsable page of this document (its assets are served here: it works offline)",
      tags: ["meta"],
      security: [],
      responses: { "200": { description: "An HTML page", content: { "text/html": { schema: z.string() } } } },
    },
  };
  const codes = errorCodeTable()
    .map((c) => `| \`${c.code}\` | ${c.status} | ${c.message} |`)
    .join("\n");
  return createDocument({
    openapi: "3.1.0",
    info: {
      title: info.title,
      version: info.version,
      description: `${info.description ?? ""}\n\n## Error codes\n\n| code | status | meaning |\n|---|---|---|\n${codes}\n`.trim(),
    },
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
    },
    paths,
  });
}
