import { verifyAccessToken, type KeyRing, type TokenErrorCode } from "@cleanops/auth";
import { orgEntityManager, readTransaction, sqlRows } from "@cleanops/db";
import { authenticationFailed, createOrgAccess, readBearerToken, type AuthenticationErrorCode, type OrgAccess } from "@cleanops/http";
import type { EntityManager, MikroORM } from "@mikro-orm/postgresql";
import type { Request } from "express";
import { readSessionToken } from "./session-cookie.ts";

export const WORKER_PORTAL_AUDIENCE = "worker-portal";
export const WORKER_ROLE = "worker";
/** A worker has one capability: working their own team's jobs. What "own" means is enforced by every query. */
export type WorkerCapability = "jobs.work";
export type WorkerRole = typeof WORKER_ROLE;

export type WorkerPrincipal = { workerId: string; name: string; email: string; teamId: string | null; orgName: string };

export type WorkerAccessDeps = { orm: MikroORM; keyRing: KeyRing; now: () => Date };

/**
 * Where a token may come from besides the bearer header. The session cookie is sent by the browser on its own, so it
 * is only accepted where a forged cross-site request can do no harm ("safe-methods": reading a photo) or where the
 * caller checks a CSRF token first ("always": the HTML forms).
 */
export type CredentialSources = { cookie: "safe-methods" | "always" };

export type WorkerAccess = OrgAccess<WorkerPrincipal, WorkerRole, EntityManager, WorkerCapability>;

// Every refusal of @cleanops/auth is a 401 code of @cleanops/http: this fails to compile the day one is not.
const asAuthCode = (code: TokenErrorCode): AuthenticationErrorCode => code;

/**
 * Who is calling worker-portal: a worker-portal access token (a staff token has the admin-api audience and is
 * refused), from the bearer header or, for the HTML pages, the session cookie; then the worker read fresh from the
 * database on every request: deactivated, deleted, or their org suspended → 401 at once, whatever token they hold.
 */
export function workerAuthenticator(deps: WorkerAccessDeps, sources: CredentialSources) {
  return async (req: Request) => {
    const cookieAllowed =
      sources.cookie === "always" || (sources.cookie === "safe-methods" && (req.method === "GET" || req.method === "HEAD"));
    const token = readBearerToken(req) ?? (cookieAllowed ? readSessionToken(req) : undefined);
    const verified = verifyAccessToken(token, { keyRing: deps.keyRing, audience: WORKER_PORTAL_AUDIENCE, now: deps.now() });
    if (!verified.ok) {
      throw authenticationFailed(asAuthCode(verified.error.code), {
        realm: WORKER_PORTAL_AUDIENCE,
        message: verified.error.message,
        cause: verified.error,
      });
    }
    const { sub, orgId } = verified.claims;
    // One statement in one read transaction of the token's org (BEGIN + set_config pipelined with it): the worker,
    // active, of an active org. Plain SQL: this runs on every request (`pnpm bench`, docs/benchmarks.md).
    // sub and org_id are UUIDs: verifyAccessToken refuses any other claim.
    const [worker] = await readTransaction(orgEntityManager(deps.orm, orgId), (em) =>
      sqlRows<{ id: string; name: string; email: string; team_id: string | null; org_name: string }>(
        em,
        `SELECT w.id, w.name, w.email, w.team_id, o.name AS org_name
           FROM workers w JOIN organizations o ON o.org_id = w.org_id AND o.status = 'active'
          WHERE w.org_id = $1 AND w.id = $2 AND w.active`,
        [orgId, sub],
      ),
    );
    if (!worker)
      throw authenticationFailed("membership_revoked", {
        realm: WORKER_PORTAL_AUDIENCE,
        message: "You are no longer an active worker of this organization.",
      });
    return {
      principal: { workerId: worker.id, name: worker.name, email: worker.email, teamId: worker.team_id, orgName: worker.org_name },
      orgId,
      role: WORKER_ROLE,
    } as const;
  };
}

/**
 * worker-portal's route guards, on @cleanops/http's request context: the first guard of a request authenticates and
 * binds `{ principal, orgId, role, em }` with `em = orgEntityManager(orm, orgId)` (tenant filter + row-level security).
 */
export function createWorkerAccess(deps: WorkerAccessDeps, sources: CredentialSources): WorkerAccess {
  return createOrgAccess({
    authenticate: workerAuthenticator(deps, sources),
    entityManager: (orgId) => orgEntityManager(deps.orm, orgId),
    allows: () => true,
  });
}
