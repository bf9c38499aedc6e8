import type { AnyRoute } from "@cleanops/http";
import type { Capability } from "../authz/permissions.ts";
import type { AdminContext, PublicContext } from "./context.ts";

/** One resource module of admin-api: its declared routes (signed-in and public), nothing else. */
export type Resource = {
  name: string;
  routes: readonly AnyRoute<AdminContext, Capability>[];
  publicRoutes?: readonly AnyRoute<PublicContext, Capability>[];
};
