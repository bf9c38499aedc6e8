import { readTransaction } from "@cleanops/db";
import { buildOpenApiDocument, docsRouter, publicRoute, routeRouter, type AnyRoute } from "@cleanops/http";
import type { Router } from "express";
import type { WorkerCapability } from "../auth/worker-access.ts";
import type { WorkerServices } from "../services.ts";
import { publicContext, workerContext } from "./context.ts";
import type { Resource } from "./resource.ts";

export const WORKER_PORTAL_INFO = {
  title: "CleanOps worker-portal",
  version: "1.0.0",
  description:
    "The cleaners' portal: a worker of one organization, signed in with a bearer token (audience `worker-portal`) whose " +
    "worker is checked to be active on every request. A worker sees only their own team's jobs, today's and upcoming; " +
    "another team's or organization's job answers 404 `not_found`, like a missing one. Times are UTC. Add-on prices are " +
    "never shown: organizations have no setting yet that allows workers to see them.",
};

/** Every declared route of the resources, signed-in and public: what the document and the route tests read. */
export function declaredRoutes(resources: readonly Resource[]): AnyRoute<never, WorkerCapability>[] {
  return resources.flatMap((r) => [...r.routes, ...(r.publicRoutes ?? [])] as AnyRoute<never, WorkerCapability>[]);
}

export function openApiDocument(resources: readonly Resource[]) {
  return buildOpenApiDocument(declaredRoutes(resources), WORKER_PORTAL_INFO);
}

/** The routers of the resources: access guard → validation → action(ctx, input) → JSON, for every declaration. */
export function resourceRouters(services: WorkerServices, resources: readonly Resource[], checkResponses: boolean): Router[] {
  const guard = (access: { capability: WorkerCapability } | { public: string }) =>
    "capability" in access ? services.access.require(access.capability) : publicRoute(access.public);
  const open = routeRouter(
    resources.flatMap((r) => r.publicRoutes ?? []),
    { guard, context: (req) => publicContext(services, req), checkResponses },
  );
  const guarded = routeRouter(
    resources.flatMap((r) => r.routes),
    {
      guard,
      context: (req, res) => workerContext(services, services.access, req, res),
      checkResponses,
      // A read's queries share one transaction instead of one each (measured by `pnpm bench`, docs/benchmarks.md).
      around: (ctx, route, action) => (route.method === "get" ? readTransaction(ctx.em, (em) => action({ ...ctx, em })) : action(ctx)),
    },
  );
  return [docsRouter({ title: WORKER_PORTAL_INFO.title, document: () => openApiDocument(resources) }), open, guarded];
}
