import { mutate, type Audit, type Role } from "@cleanops/db";
import type { EntityManager } from "@mikro-orm/postgresql";
import type { Request, Response } from "express";
import { requestMeta, type RequestMeta } from "../audit/request-meta.ts";
import type { StaffPrincipal } from "../authz/staff-access.ts";
import type { AdminServices } from "../services.ts";

/** What every action of a public route gets: where the request came from and the app's services. */
export type PublicContext = {
  services: AdminServices;
  meta: RequestMeta;
  /** The request's clock reading: one instant for everything the request stamps. */
  now: Date;
  /** Read-only view of the request's headers, for the few actions that use cookies (browser sessions). */
  request: { header(name: string): string | undefined; secure: boolean };
};

/**
 * What every action of a signed-in route gets first (immich's `auth` argument): who, in which org with which live
 * role, the org-bound EntityManager (tenant filter + row-level security), and the one write path.
 */
export type AdminContext = PublicContext & {
  orgId: string;
  role: Role;
  principal: StaffPrincipal;
  /** Reads: every query is filtered to the org and runs under `app.current_org`. */
  em: EntityManager;
  /** Writes: one transaction, the audit rows of the change in it, one flush (see `mutate` of @cleanops/db). */
  mutate<T>(work: (tx: EntityManager, audit: Audit) => Promise<T>): Promise<T>;
};

export function publicContext(services: AdminServices, req: Request): PublicContext {
  return {
    services,
    meta: requestMeta(req),
    now: services.now(),
    // req.secure honours "trust proxy", like req.ip: a spoofed X-Forwarded-Proto is ignored unless the proxy is trusted.
    request: { header: (name) => req.get(name), secure: req.secure },
  };
}

/** The context of a guarded route; the guard (`access.require`) has bound the identity before this runs. */
export function adminContext(services: AdminServices, req: Request, res: Response): AdminContext {
  const bound = services.access.context(res);
  const base = publicContext(services, req);
  const actor = { userId: bound.principal.userId, ip: base.meta.ip, requestId: base.meta.requestId };
  return {
    ...base,
    orgId: bound.orgId,
    role: bound.role,
    principal: bound.principal,
    em: bound.em,
    mutate: (work) => mutate(bound.em, actor, work),
  };
}
