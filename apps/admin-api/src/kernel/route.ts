import { routeFactory } from "@cleanops/http";
import type { Capability } from "../authz/permissions.ts";
import type { AdminContext, PublicContext } from "./context.ts";

/** Declares a signed-in route of admin-api: `access: { capability }` from the permission matrix. */
export const route = routeFactory<AdminContext, Capability>();

/** Declares a route anyone may call: `access: { public: "why" }`. */
export const publicRoute = routeFactory<PublicContext, Capability>();

export type { AnyRoute } from "@cleanops/http";
