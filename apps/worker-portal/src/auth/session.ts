import { signAccessToken, type KeyRing } from "@cleanops/auth";
import type { WorkerSessionView } from "../resources/auth/auth.schemas.ts";
import type { VerifiedWorker } from "./credentials.ts";
import { WORKER_PORTAL_AUDIENCE, WORKER_ROLE } from "./worker-access.ts";

/**
 * A worker-portal access token for a verified worker. No refresh token: a worker signs in again when it expires,
 * and every request re-checks that the worker is still active anyway.
 */
export function workerSession(verified: VerifiedWorker, options: { keyRing: KeyRing; ttlSeconds: number; now: Date }): WorkerSessionView {
  const signed = signAccessToken(
    { audience: WORKER_PORTAL_AUDIENCE, sub: verified.worker.id, orgId: verified.orgId, role: WORKER_ROLE },
    { keyRing: options.keyRing, ttlSeconds: options.ttlSeconds, now: options.now },
  );
  return {
    access_token: signed.token,
    token_type: "Bearer",
    expires_in: options.ttlSeconds,
    expires_at: signed.expiresAt.toISOString(),
    worker: { id: verified.worker.id, name: verified.worker.name, email: verified.worker.email },
    org: { id: verified.orgId, name: verified.orgName },
  };
}
