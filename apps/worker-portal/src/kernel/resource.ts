import type { AnyRoute } from "@cleanops/http";
import type { WorkerCapability } from "../auth/worker-access.ts";
import type { PublicContext, WorkerContext } from "./context.ts";

/** One resource module of worker-portal: its declared routes (signed-in and public), nothing else. */
export type Resource = {
  name: string;
  routes: readonly AnyRoute<WorkerContext, WorkerCapability>[];
  publicRoutes?: readonly AnyRoute<PublicContext, WorkerCapability>[];
};
