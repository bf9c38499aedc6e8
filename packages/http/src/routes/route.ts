import type { z } from "zod";
import type { RawResponse } from "./raw-response.ts";

export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";

/** Who may call a route: a capability of the app's permission matrix, or nobody-signed-in with the reason why. */
export type RouteAccessSpec<TCapability extends string> = { capability: TCapability } | { public: string };

type Schema = z.ZodType;
type Out<S> = S extends Schema ? z.output<S> : Record<string, never>;

/** What a route's action receives: the validated (and transformed) params, query and body. */
export type RouteInput<P, Q, B> = { params: Out<P>; query: Out<Q>; body: B extends Schema ? z.output<B> : undefined };

/**
 * One route, declared once: the single source for Express routing, request validation, the capability check, the
 * OpenAPI document and the route-access tests. `handle` gets the request context first (never `req`) and the parsed
 * input, and returns the response body (validated against `response` where the app checks responses).
 */
export type RouteDefinition<TContext, TCapability extends string, P = undefined, Q = undefined, B = undefined, R = undefined> = {
  method: HttpMethod;
  /** Express syntax (`/bookings/:id/assign`); the document shows it as `/bookings/{id}/assign`. */
  path: string;
  summary: string;
  description?: string;
  /** The OpenAPI tag: usually the resource's name. */
  tag: string;
  access: RouteAccessSpec<TCapability>;
  params?: P;
  query?: Q;
  body?: B;
  /** The success body's schema; absent with status 204. */
  response?: R;
  /** Success status: 200 by default. */
  status?: 200 | 201 | 204;
  /** Error codes this route answers beyond the ones every route can (400, 401, 403, 404): documented, not enforced. */
  errors?: readonly string[];
  /**
   * A body that is not JSON (a multipart upload), for the document only: the action reads it through its context,
   * because streaming it cannot go through `body` validation.
   */
  requestContent?: { mediaType: string; schema: Schema };
  /** Media types of a success body that is not JSON (image bytes): the action returns a `RawResponse`. */
  produces?: readonly string[];
  handle: (ctx: TContext, input: RouteInput<P, Q, B>) => Promise<(R extends Schema ? z.input<R> : void) | RawResponse>;
};

/** A route with its types erased, as routers and document builders hold them. */
export type AnyRoute<TContext = never, TCapability extends string = string> = {
  method: HttpMethod;
  path: string;
  summary: string;
  description?: string;
  tag: string;
  access: RouteAccessSpec<TCapability>;
  params?: Schema;
  query?: Schema;
  body?: Schema;
  response?: Schema;
  status?: 200 | 201 | 204;
  errors?: readonly string[];
  requestContent?: { mediaType: string; schema: Schema };
  produces?: readonly string[];
  handle: (ctx: TContext, input: { params: unknown; query: unknown; body: unknown }) => Promise<unknown>;
};

/**
 * The route factory of one app, bound to its request context and capabilities:
 * `const route = routeFactory<AdminContext, Capability>(); export const getClient = route({ ... })`.
 */
export function routeFactory<TContext, TCapability extends string>() {
  return function route<
    P extends Schema | undefined = undefined,
    Q extends Schema | undefined = undefined,
    B extends Schema | undefined = undefined,
    R extends Schema | undefined = undefined,
  >(definition: RouteDefinition<TContext, TCapability, P, Q, B, R>): AnyRoute<TContext, TCapability> {
    return definition as unknown as AnyRoute<TContext, TCapability>;
  };
}

/** `/bookings/:id/assign` → `/bookings/{id}/assign`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
}

/** The route's parameters in its path, in order (`/a/:id/b/:link_id` → `["id", "link_id"]`). */
export function pathParameters(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1] ?? "");
}
