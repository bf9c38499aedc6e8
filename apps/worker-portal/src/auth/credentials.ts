import { verifyPassword } from "@cleanops/auth";
import { admitAttempt, entities, findOrgBySlug, markSucceeded, orgEntityManager, type IWorker } from "@cleanops/db";
import { authenticationFailed, rateLimited } from "@cleanops/http";
import type { EntityManager, MikroORM } from "@mikro-orm/postgresql";
import type { Logger } from "pino";
import type { RequestMeta } from "../kernel/context.ts";

const { Worker } = entities;

export type VerifiedWorker = { orgId: string; orgName: string; worker: Pick<IWorker, "id" | "name" | "email"> };

/** The throttle key of a worker sign-in: namespaced, so a worker's failures never count against a staff email. */
export function workerThrottleKey(org: string, email: string): string {
  return `worker:${org}:${email}`;
}

/**
 * Proves that whoever calls knows the password of the worker `email` of the org `slug`, with admin-api's shared
 * throttle (@cleanops/db's login throttle, per key and per IP) and its generic refusal: an unknown slug, an unknown
 * email, a wrong password, an inactive worker and a suspended org all answer 401 `invalid_credentials` after the same
 * argon2 work (`verifyPassword` spends it for a missing hash too). Logged without the password.
 */
export async function verifyWorkerCredentials(
  deps: { orm: MikroORM; logger: Logger; now: Date },
  input: { org: string; email: string; password: string },
  meta: RequestMeta,
): Promise<VerifiedWorker> {
  const platform: EntityManager = deps.orm.em.fork({ clear: true, useContext: false });
  // Before any org context: 0052's narrow lookup by the public slug (organizations are behind row-level security).
  const org = await findOrgBySlug(platform, input.org);
  // An unknown slug still gets a key of its own: it is throttled like any other, and never mixes with a real org's.
  const key = workerThrottleKey(org ? org.orgId : `unknown-org:${input.org}`, input.email);
  const admitted = await admitAttempt(platform, { email: key, ip: meta.ip }, deps.now);
  if (admitted.blocked) {
    deps.logger.warn(
      { org: input.org, email: input.email, ip: meta.ip, by: admitted.state.by, reqId: meta.requestId },
      "worker sign-in throttled",
    );
    throw rateLimited("Too many failed sign-in attempts. Try again later.", { retryAfterSeconds: admitted.state.retryAfterSeconds });
  }
  const worker = org
    ? await orgEntityManager(deps.orm, org.orgId).findOne(Worker, { email: input.email }, { disableIdentityMap: true })
    : null;
  const passwordOk = await verifyPassword(worker?.passwordHash ?? null, input.password);
  if (org && worker && passwordOk && worker.active && org.status === "active") {
    await markSucceeded(platform, admitted.attemptId);
    return { orgId: org.orgId, orgName: org.name, worker: { id: worker.id, name: worker.name, email: worker.email } };
  }
  const reason = !org
    ? "unknown_org"
    : !worker
      ? "unknown_email"
      : !passwordOk
        ? "wrong_password"
        : !worker.active
          ? "worker_inactive"
          : "org_suspended";
  deps.logger.warn({ org: input.org, email: input.email, ip: meta.ip, reason, reqId: meta.requestId }, "worker sign-in failed");
  throw authenticationFailed("invalid_credentials", { realm: "worker-portal" });
}
