import { pipeline } from "node:stream/promises";
import { Router, type Request, type RequestHandler, type Response } from "express";
import type { z } from "zod";
import { AppError } from "../errors/app-error.ts";
import type { FieldIssue } from "../errors/normalize-error.ts";
import { RawResponse } from "./raw-response.ts";
import type { AnyRoute, RouteAccessSpec } from "./route.ts";

/** A 400 lists at most this many problems: enough to fix a form, not a megabyte of echo for a hostile body. */
export const MAX_VALIDATION_ISSUES = 20;

export type RouteRouterOptions<TContext, TCapability extends string> = {
  /**
   * The access middleware of a declaration: `access.require(capability)` or `publicRoute(reason)`. It also tags the
   * route for `listRoutes`, so the route-access tests see exactly what was declared.
   */
  guard: (access: RouteAccessSpec<TCapability>) => RequestHandler;
  /** The request context handed to actions, built after the guard (so it can read what the guard bound). */
  context: (req: Request, res: Response, route: AnyRoute<TContext, TCapability>) => TContext;
  /**
   * Validate every success body against its declared schema and fail with a 500 when it drifts (tests and
   * development): the OpenAPI document then cannot lie about what the API sends.
   */
  checkResponses?: boolean;
  /**
   * Runs each action, given its context (default: as is). The apps use it to run a read route's statements in ONE
   * database transaction: MikroORM otherwise wraps every query of an org-bound EntityManager in a transaction of its
   * own (BEGIN + set_config, the query, COMMIT: three round trips per query instead of one).
   */
  around?: (ctx: TContext, route: AnyRoute<TContext, TCapability>, action: (ctx: TContext) => Promise<unknown>) => Promise<unknown>;
};

type Part = "params" | "query" | "body";

export type LocatedIssue = FieldIssue & { in: Part };

function issuesOf(part: Part, error: z.ZodError): LocatedIssue[] {
  return error.issues.map((issue) => ({
    in: part,
    path: issue.path.map((p) => (typeof p === "number" ? p : String(p))),
    code: issue.code,
    message: issue.message,
  }));
}

/** Parses the three parts of a request; every problem of all three in one 400 `validation_failed`. */
export function parseRouteInput(
  route: Pick<AnyRoute, "params" | "query" | "body">,
  req: Pick<Request, "params" | "query" | "body">,
): { params: unknown; query: unknown; body: unknown } {
  const issues: LocatedIssue[] = [];
  const out: Record<Part, unknown> = { params: {}, query: {}, body: undefined };
  for (const part of ["params", "query", "body"] as const) {
    const schema = route[part];
    if (!schema) continue;
    // A body-less request (no Content-Type) reaches here as undefined: validate it as an empty object.
    const raw: unknown = part === "body" ? (req.body ?? {}) : req[part];
    const parsed = schema.safeParse(raw);
    if (parsed.success) out[part] = parsed.data;
    else issues.push(...issuesOf(part, parsed.error));
  }
  if (issues.length > 0) {
    const shown = issues.slice(0, MAX_VALIDATION_ISSUES);
    const fields = [...new Set(shown.map((i) => [i.in === "body" ? "" : `${i.in}.`, i.path.join(".")].join("") || i.in))];
    throw new AppError("validation_failed", `Invalid ${fields.join(", ")}.`, {
      details: { issues: shown, ...(issues.length > shown.length ? { more_issues: issues.length - shown.length } : {}) },
    });
  }
  return out;
}

/**
 * An Express router for a list of declarations: each route gets its access guard, then validation, then its action
 * with the request context; the action's return value is the JSON body (or nothing for 204).
 */
export function routeRouter<TContext, TCapability extends string>(
  routes: readonly AnyRoute<TContext, TCapability>[],
  options: RouteRouterOptions<TContext, TCapability>,
): Router {
  const router = Router();
  for (const route of routes) {
    const handler: RequestHandler = async (req, res) => {
      const input = parseRouteInput(route, req);
      const ctx = options.context(req, res, route);
      const result = options.around ? await options.around(ctx, route, (c) => route.handle(c, input)) : await route.handle(ctx, input);
      const status = route.status ?? 200;
      if (result instanceof RawResponse) {
        res.status(status).set(result.headers);
        if (Buffer.isBuffer(result.body)) res.end(result.body);
        else await pipeline(result.body, res);
        return;
      }
      if (status === 204) {
        res.status(204).end();
        return;
      }
      if (options.checkResponses && route.response) {
        const checked = route.response.safeParse(result);
        if (!checked.success) {
          throw new AppError("internal", `Response of ${route.method.toUpperCase()} ${route.path} does not match its schema`, {
            cause: checked.error,
          });
        }
      }
      res.status(status).json(result);
    };
    router[route.method](route.path, options.guard(route.access), handler);
  }
  return router;
}
