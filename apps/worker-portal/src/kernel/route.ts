import { routeFactory } from "@cleanops/http";
import type { WorkerCapability } from "../auth/worker-access.ts";
import type { PublicContext, WorkerContext } from "./context.ts";

/** Declares a signed-in route of worker-portal: `access: { capability: "jobs.work" }`. */
export const route = routeFactory<WorkerContext, WorkerCapability>();

/** Declares a route anyone may call: `access: { public: "why" }`. */
export const publicRoute = routeFactory<PublicContext, WorkerCapability>();
