import { DEFAULT_ACCESS_TOKEN_TTL_SECONDS, type AccessTokenVerification, type KeyRing } from "@cleanops/auth";
import { createServiceApp, type FairShareOptions } from "@cleanops/http";
import { developerMailer, outboxSender, type Mailer } from "@cleanops/mail";
import { Writable } from "node:stream";
import type { MikroORM } from "@mikro-orm/postgresql";
import type { Express, Request } from "express";
import type { Logger } from "pino";
import { createStaffAccess } from "./authz/staff-access.ts";
import { DEFAULT_PUBLIC_INVOICES_URL, DEFAULT_REFRESH_TOKEN_TTL_DAYS, DEFAULT_WEB_APP_URL } from "./config.ts";
import { adminApiReadiness } from "./health/readiness.ts";
import { staffTokenOf } from "./resources/auth/staff-authenticator.ts";
import { resourceRouters } from "./kernel/mount.ts";
import { RESOURCES } from "./resources/index.ts";
import type { AdminServices } from "./services.ts";

/** Staff send the largest bodies: bulk schedule edits and CSV-sized imports. */
export const ADMIN_API_JSON_LIMIT = "1mb";

export type AdminApiDeps = {
  /** Built with `tenantOrmOptions(ormOptions(url))`: the tenant filter and guard must be on. */
  orm: MikroORM;
  logger: Logger;
  keyRing: KeyRing;
  /** Default: the real time. Tests move it to expire tokens, invitations and throttling windows. */
  clock?: () => Date;
  accessTokenTtlSeconds?: number;
  refreshTokenTtlDays?: number;
  /** Express "trust proxy", for the client IP the throttle and audit log record. Default off. */
  trustProxy?: boolean | number | string;
  /** The base URL of public-invoices for invoice links. Default http://127.0.0.1:3003. */
  publicInvoicesUrl?: string;
  /** The staff web app's base URL for account-mail links. Default http://127.0.0.1:3000 (admin-web). */
  webAppUrl?: string;
  /**
   * Where queued mail goes: an SMTP mailer, or the developer mailer (printed; listed at GET /dev/mails). Default: a
   * developer mailer that prints nothing (tests that do not read mail).
   */
  mailer?: Mailer;
  /** Also drain the outbox every 30 s (retries, mail queued by another instance): the server does, tests do not. */
  startMailSender?: boolean;
  /** Check every success body against its declared schema (tests): the OpenAPI document cannot drift. Default off. */
  checkResponses?: boolean;
  /**
   * Turns between orgs: requests running at once (all orgs), and how many one org may have waiting. Default
   * `ADMIN_API_FAIR_SHARE`.
   */
  fairShare?: { concurrency: number; maxRunningPerOrg: number; maxQueuedPerOrg: number; stepAsideMs?: number };
};

/**
 * Ten at once (the pool's size): requests waiting on a commit's WAL flush leave the CPU to others, so a lower limit
 * halved the rate of bookings created (pnpm bench). While other orgs are about, one org's requests take turns one at
 * a time (a request running 100 ms steps aside for the org's next, up to four): two short requests of a large org at
 * once already fill this machine's two cores, and a small org's request waited behind them (the noisy-neighbour
 * measurement, docs/benchmarks.md). An org alone on the server runs up to four at once.
 */
export const ADMIN_API_FAIR_SHARE = { concurrency: 10, maxRunningPerOrg: 4, stepAsideMs: 100, maxQueuedPerOrg: 256 };

function fairShareOptions(share: NonNullable<AdminApiDeps["fairShare"]>, keyOf: (req: Request) => string): FairShareOptions {
  return {
    concurrency: share.concurrency,
    maxRunningPerKey: share.maxRunningPerOrg,
    maxQueuedPerKey: share.maxQueuedPerOrg,
    ...(share.stepAsideMs === undefined ? {} : { stepAsideMs: share.stepAsideMs }),
    keyOf,
  };
}

/** Whose turn a request takes: its verified token's org; everything else (sign-in, public routes) shares one turn. */
function turnOf(tokenOf: (req: Request) => AccessTokenVerification) {
  return (req: Request): string => {
    const verified = tokenOf(req);
    return verified.ok ? `org:${verified.claims.orgId}` : "public";
  };
}

/**
 * Staff back office API (bookings, invoicing, payroll, settings).
 * Builds the app without listening (server.ts listens; tests use supertest). Request id, request logging, the
 * JSON body limit, /healthz and /readyz, the 404 and the error handler come from createServiceApp, in that order;
 * domain routers (one folder per domain under src/) go in `routers`. Every route declares its access: a capability
 * of the permission matrix (src/authz/permissions.ts) through `access.require`, or `publicRoute(reason)`.
 */
export function createApp(deps: AdminApiDeps): Express {
  const now = deps.clock ?? (() => new Date());
  const tokenOf = staffTokenOf({ keyRing: deps.keyRing, now });
  const mailer = deps.mailer ?? developerMailer({ out: new Writable({ write: (_c, _e, cb) => cb() }) });
  const services: AdminServices = {
    orm: deps.orm,
    logger: deps.logger,
    keyRing: deps.keyRing,
    now,
    accessTokenTtlSeconds: deps.accessTokenTtlSeconds ?? DEFAULT_ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlDays: deps.refreshTokenTtlDays ?? DEFAULT_REFRESH_TOKEN_TTL_DAYS,
    publicInvoicesUrl: deps.publicInvoicesUrl ?? DEFAULT_PUBLIC_INVOICES_URL,
    webAppUrl: deps.webAppUrl ?? DEFAULT_WEB_APP_URL,
    outbox: outboxSender({ orm: deps.orm, mailer, logger: deps.logger, now }),
    mailDelivered: mailer.kind === "smtp",
    access: createStaffAccess({ orm: deps.orm, tokenOf }),
  };
  if (deps.startMailSender) services.outbox.start();
  return createServiceApp({
    logger: deps.logger,
    jsonLimit: ADMIN_API_JSON_LIMIT,
    checkReadiness: adminApiReadiness(deps.orm),
    ...(deps.trustProxy === undefined ? {} : { trustProxy: deps.trustProxy }),
    routers: resourceRouters(services, RESOURCES, deps.checkResponses ?? false),
    fairShare: fairShareOptions(deps.fairShare ?? ADMIN_API_FAIR_SHARE, turnOf(tokenOf)),
  });
}
