import { readTransaction } from "@cleanops/db";
import { buildOpenApiDocument, docsRouter, publicRoute, routeRouter, type AnyRoute } from "@cleanops/http";
import type { Router } from "express";
import type { Capability } from "../authz/permissions.ts";
import type { AdminServices } from "../services.ts";
import { adminContext, publicContext } from "./context.ts";
import type { Resource } from "./resource.ts";

export const ADMIN_API_INFO = {
  title: "CleanOps admin-api",
  version: "1.0.0",
  description:
    "The back office of a cleaning company: staff of one organization, signed in with a bearer token whose org is checked " +
    "against a live membership on every request. Another organization's id answers 404 `not_found`, like a missing one. " +
    "Lists answer `{ items, next_cursor }`, newest first; money is integer cents with a currency; times are UTC.",
};

/** Every declared route of the resources, signed-in and public: what the document and the route tests read. */
export function declaredRoutes(resources: readonly Resource[]): AnyRoute<never, Capability>[] {
  return resources.flatMap((r) => [...r.routes, ...(r.publicRoutes ?? [])] as AnyRoute<never, Capability>[]);
}

export function openApiDocument(resources: readonly Resource[]) {
  return buildOpenApiDocument(declaredRoutes(resources), ADMIN_API_INFO);
}

/** The routers of the resources: access guard → validation → action(ctx, input) → JSON, for every declaration. */
export function resourceRouters(services: AdminServices, resources: readonly Resource[], checkResponses: boolean): Router[] {
  const guarded = routeRouter(
    resources.flatMap((r) => r.routes),
    {
      guard: (access) => ("capability" in access ? services.access.require(access.capability) : publicRoute(access.public)),
      context: (req, res) => adminContext(services, req, res),
      checkResponses,
      // A read's queries share one transaction (one BEGIN + set_config round trip, one COMMIT) instead of one each:
      // measured by `pnpm bench` (docs/benchmarks.md). Writes open their own through ctx.mutate.
      around: (ctx, route, action) => (route.method === "get" ? readTransaction(ctx.em, (em) => action({ ...ctx, em })) : action(ctx)),
    },
  );
  const open = routeRouter(
    resources.flatMap((r) => r.publicRoutes ?? []),
    {
      guard: (access) => ("capability" in access ? services.access.require(access.capability) : publicRoute(access.public)),
      context: (req) => publicContext(services, req),
      checkResponses,
    },
  );
  return [docsRouter({ title: ADMIN_API_INFO.title, document: () => openApiDocument(resources) }), open, guarded];
}
