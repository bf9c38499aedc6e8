import type { Express } from "express";
import { accessOf, type RouteAccess } from "./route-access.ts";

export type RouteEntry = {
  method: string;
  path: string;
  /** The access declarations found in the route's own stack: a well-formed route has exactly one. */
  access: RouteAccess[];
};

// Express 5 (router 2.x) keeps its layers untyped; only what is read here is described.
type RouteLike = { path: unknown; methods: Record<string, boolean | undefined>; stack: LayerLike[] };
type LayerLike = { route?: RouteLike; handle?: unknown; rawPath?: unknown };

function isLayer(value: unknown): value is LayerLike {
  return typeof value === "object" && value !== null;
}

function stackOf(handle: unknown): LayerLike[] | undefined {
  if (typeof handle !== "function") return undefined;
  const stack: unknown = (handle as { stack?: unknown }).stack;
  return Array.isArray(stack) ? stack.filter(isLayer) : undefined;
}

function joinPath(prefix: string, path: unknown): string {
  const part = typeof path === "string" ? path : String(path);
  if (prefix === "" || prefix === "/") return part;
  return part === "/" ? prefix : `${prefix}${part}`;
}

function walk(stack: LayerLike[], prefix: string, out: RouteEntry[]): void {
  for (const layer of stack) {
    if (layer.route) {
      const path = joinPath(prefix, layer.route.path);
      const access = layer.route.stack.map((l) => accessOf(l.handle)).filter((a): a is RouteAccess => a !== undefined);
      for (const [method, on] of Object.entries(layer.route.methods)) {
        if (on) out.push({ method: method.toUpperCase(), path, access });
      }
      continue;
    }
    const nested = stackOf(layer.handle);
    if (nested) {
      const mount = typeof layer.rawPath === "string" ? layer.rawPath : "";
      walk(nested, joinPath(prefix, mount === "/" ? "" : mount), out);
    }
  }
}

/**
 * Every route of the app, nested routers included, with the access it declares: what a test walks to prove that no
 * route was added without a capability (or an explicit `publicRoute`).
 */
export function listRoutes(app: Express): RouteEntry[] {
  const out: RouteEntry[] = [];
  walk(stackOf(app.router) ?? [], "", out);
  return out;
}
