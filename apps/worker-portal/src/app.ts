import { DEFAULT_ACCESS_TOKEN_TTL_SECONDS, type KeyRing } from "@cleanops/auth";
import { createServiceApp } from "@cleanops/http";
import type { ObjectStorage } from "@cleanops/storage";
import type { MikroORM } from "@mikro-orm/postgresql";
import type { Express } from "express";
import type { Logger } from "pino";
import { createWorkerAccess } from "./auth/worker-access.ts";
import { workerPortalReadiness } from "./health/readiness.ts";
import { resourceRouters } from "./kernel/mount.ts";
import { RESOURCES } from "./resources/index.ts";
import type { WorkerServices } from "./services.ts";
import { webRouter } from "./web/web-router.ts";

/**
 * helmet's headers (mounted by createServiceApp) with a strict CSP: this origin's styles and images only, no script
 * on the pages at all (the forms work without one), forms post only here, no framing.
 */
const STRICT_HEADERS = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", "data:"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      objectSrc: ["'none'"],
    },
  },
};

/** Checklist ticks and notes; photos are multipart and streamed, never JSON. */
export const WORKER_PORTAL_JSON_LIMIT = "256kb";

export type WorkerPortalDeps = {
  /** Built with `tenantOrmOptions(ormOptions(url))`: the tenant filter and guard must be on. */
  orm: MikroORM;
  logger: Logger;
  keyRing: KeyRing;
  storage: ObjectStorage;
  /** Default: the real time. Tests move it for "today", token expiry and throttling windows. */
  clock?: () => Date;
  accessTokenTtlSeconds?: number;
  /** The session cookie's Secure flag; default true. */
  cookieSecure?: boolean;
  trustProxy?: boolean | number | string;
  /** Check every success body against its declared schema (tests): the OpenAPI document cannot drift. */
  checkResponses?: boolean;
};

/**
 * The cleaners' portal, two faces of one app: server-rendered pages (session cookie + CSRF token) and the JSON API
 * (bearer token) on admin-api's resource layer, with its OpenAPI document at /openapi.json and /docs.
 * Builds the app without listening (server.ts listens; tests use supertest).
 */
export function createApp(deps: WorkerPortalDeps): Express {
  const now = deps.clock ?? (() => new Date());
  const accessDeps = { orm: deps.orm, keyRing: deps.keyRing, now };
  const services: WorkerServices = {
    orm: deps.orm,
    logger: deps.logger,
    keyRing: deps.keyRing,
    storage: deps.storage,
    now,
    accessTokenTtlSeconds: deps.accessTokenTtlSeconds ?? DEFAULT_ACCESS_TOKEN_TTL_SECONDS,
    cookieSecure: deps.cookieSecure ?? true,
    // The JSON API: bearer tokens, and the session cookie only to read (a photo shown in a page's <img>).
    access: createWorkerAccess(accessDeps, { cookie: "safe-methods" }),
  };
  // The pages: the session cookie, on POSTs only after their CSRF token is checked (web-router.ts).
  const pageAccess = createWorkerAccess(accessDeps, { cookie: "always" });
  return createServiceApp({
    logger: deps.logger,
    jsonLimit: WORKER_PORTAL_JSON_LIMIT,
    checkReadiness: workerPortalReadiness(deps.orm),
    ...(deps.trustProxy === undefined ? {} : { trustProxy: deps.trustProxy }),
    helmet: STRICT_HEADERS,
    routers: [webRouter(services, pageAccess), ...resourceRouters(services, RESOURCES, deps.checkResponses ?? false)],
  });
}
