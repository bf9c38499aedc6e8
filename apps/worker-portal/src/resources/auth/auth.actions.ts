import { hashPassword, hashToken } from "@cleanops/auth";
import { entities, findOrgBySlug, mutate, orgEntityManager } from "@cleanops/db";
import { AppError } from "@cleanops/http";
import { LockMode } from "@mikro-orm/core";
import { verifyWorkerCredentials, type VerifiedWorker } from "../../auth/credentials.ts";
import { workerSession } from "../../auth/session.ts";
import type { PublicContext } from "../../kernel/context.ts";
import type { InviteInput, LoginInput, WorkerSessionView } from "./auth.schemas.ts";

const { Worker } = entities;

export async function signIn(ctx: PublicContext, input: LoginInput): Promise<WorkerSessionView> {
  const verified = await verifyWorkerCredentials({ orm: ctx.services.orm, logger: ctx.services.logger, now: ctx.now }, input, ctx.meta);
  return workerSession(verified, { keyRing: ctx.services.keyRing, ttlSeconds: ctx.services.accessTokenTtlSeconds, now: ctx.now });
}

const invitationUsed = () =>
  new AppError("invitation_used", "This invitation link was already used or withdrawn; ask the office for a new one.");

/** The worker an invitation link points at, if it is live: the org by slug, the token by its SHA-256. */
export async function findInvitedWorker(ctx: PublicContext, org: string, token: string) {
  // Before any org context: 0052's narrow lookup by the public slug (organizations are behind row-level security).
  const organization = await findOrgBySlug(ctx.services.orm.em.fork({ clear: true, useContext: false }), org);
  if (organization?.status !== "active") throw invitationUsed();
  const em = orgEntityManager(ctx.services.orm, organization.orgId);
  const worker = await em.findOne(Worker, { inviteTokenHash: hashToken(token), active: true });
  if (!worker?.inviteExpiresAt) throw invitationUsed();
  if (worker.inviteExpiresAt.getTime() <= ctx.now.getTime())
    throw new AppError("invitation_expired", "This invitation link has expired; ask the office for a new one.");
  return { organization, em, worker };
}

/**
 * A new worker chooses their password through the link admin-api sent: the link works once (its hash is cleared in
 * the same transaction that sets the password, under the worker's row lock) and not after it expires. Signs them in.
 */
export async function acceptInvite(ctx: PublicContext, input: InviteInput): Promise<WorkerSessionView> {
  const { organization, em, worker } = await findInvitedWorker(ctx, input.org, input.token);
  const passwordHash = await hashPassword(input.password);
  const actor = { userId: null, ip: ctx.meta.ip, requestId: ctx.meta.requestId };
  await mutate(em, actor, async (tx, audit) => {
    const locked = await tx.findOne(
      Worker,
      { id: worker.id, inviteTokenHash: hashToken(input.token) },
      { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
    );
    if (!locked) throw invitationUsed();
    tx.assign(locked, { passwordHash, inviteTokenHash: null, inviteExpiresAt: null });
    audit.record({
      action: "worker.password_set",
      entityType: "worker",
      entityId: locked.id,
      changes: { actor: { worker_id: locked.id }, via: "invitation" },
    });
  });
  const verified: VerifiedWorker = {
    orgId: organization.orgId,
    orgName: organization.name,
    worker: { id: worker.id, name: worker.name, email: worker.email },
  };
  return workerSession(verified, { keyRing: ctx.services.keyRing, ttlSeconds: ctx.services.accessTokenTtlSeconds, now: ctx.now });
}
