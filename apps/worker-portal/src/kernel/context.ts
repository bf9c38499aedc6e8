import { diffViews, mutate, type Audit } from "@cleanops/db";
import { getRequestId } from "@cleanops/http";
import type { EntityManager } from "@mikro-orm/postgresql";
import type { Request, Response } from "express";
import type { WorkerAccess, WorkerPrincipal } from "../auth/worker-access.ts";
import type { WorkerServices } from "../services.ts";
import { multipartReader, type UploadReader } from "../resources/photos/multipart.ts";

/** Where a request came from, as the audit log and the sign-in throttle record it. */
export type RequestMeta = { ip: string | null; requestId: string };

/** What every action of a public route gets. */
export type PublicContext = {
  services: WorkerServices;
  meta: RequestMeta;
  /** The request's clock reading: one instant for everything the request stamps. */
  now: Date;
};

/**
 * What every action of a signed-in route gets: the worker (read fresh this request), their org, the org-bound
 * EntityManager (tenant filter + row-level security) and the one write path.
 */
export type WorkerContext = PublicContext & {
  orgId: string;
  worker: WorkerPrincipal;
  em: EntityManager;
  /**
   * Writes: one transaction with its audit rows (`mutate` of @cleanops/db). A worker is not a staff user, so the
   * audit's actor user is null and every entry's `changes` names the worker.
   */
  mutate<T>(work: (tx: EntityManager, audit: Audit) => Promise<T>): Promise<T>;
  /** The request's multipart body, streamed (uploads cannot go through JSON validation). */
  upload: UploadReader;
};

export function requestMeta(req: Request): RequestMeta {
  // req.ip honours the app's "trust proxy" setting: behind an unknown proxy it is the proxy, never a spoofable header.
  return { ip: req.ip ?? null, requestId: getRequestId(req) };
}

export function publicContext(services: WorkerServices, req: Request): PublicContext {
  return { services, meta: requestMeta(req), now: services.now() };
}

/** An audit that adds `actor: { worker_id }` to every entry's changes. */
function workerAudit(audit: Audit, workerId: string): Audit {
  const actor = { worker_id: workerId };
  const wrapped: Audit = {
    record: (entry) => audit.record({ ...entry, changes: { ...entry.changes, actor } }),
    created: (entityType, entityId, after) => wrapped.record({ action: `${entityType}.created`, entityType, entityId, changes: { after } }),
    updated: (entityType, entityId, before, after, action) => {
      const diff = diffViews(before, after);
      if (diff) wrapped.record({ action: action ?? `${entityType}.updated`, entityType, entityId, changes: diff });
    },
  };
  return wrapped;
}

/** The context of a guarded route; the guard has bound the worker before this runs. */
export function workerContext(services: WorkerServices, access: WorkerAccess, req: Request, res: Response): WorkerContext {
  const bound = access.context(res);
  const base = publicContext(services, req);
  const actor = { userId: null, ip: base.meta.ip, requestId: base.meta.requestId };
  return {
    ...base,
    orgId: bound.orgId,
    worker: bound.principal,
    em: bound.em,
    mutate: (work) => mutate(bound.em, actor, (tx, audit) => work(tx, workerAudit(audit, bound.principal.workerId))),
    upload: multipartReader(req),
  };
}
