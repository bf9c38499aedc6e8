import type { RequestHandler } from "express";

/**
 * What a route declares about who may call it. Every route of a CleanOps app carries exactly one declaration, as a
 * middleware in its own stack (so `listRoutes` can read it back): either a capability, checked against the caller's
 * role, or an explicit `public` with the reason it needs no sign-in.
 */
export type RouteAccess = { kind: "public"; reason: string } | { kind: "capability"; capability: string };

const ACCESS = Symbol("cleanops.route-access");

type Tagged = RequestHandler & { [ACCESS]?: RouteAccess };

/** Marks `handler` as the route's access declaration. */
export function declareAccess(handler: RequestHandler, access: RouteAccess): RequestHandler {
  const tagged: Tagged = handler;
  tagged[ACCESS] = Object.freeze({ ...access });
  return tagged;
}

/** The declaration a handler carries, if it is one. */
export function accessOf(handler: unknown): RouteAccess | undefined {
  if (typeof handler !== "function") return undefined;
  return (handler as Tagged)[ACCESS];
}

/**
 * The declaration of a route anyone may call (sign-in, probes, redeeming a link). `reason` is required so that
 * opening a route is a visible, reviewed decision rather than a forgotten guard.
 */
export function publicRoute(reason: string): RequestHandler {
  if (reason.trim() === "") throw new TypeError("publicRoute needs a reason");
  return declareAccess((_req, _res, next) => next(), { kind: "public", reason });
}
