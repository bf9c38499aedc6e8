import type { IWorker } from "@cleanops/db";
import { invitationPending } from "./workers.rules.ts";

export type WorkerView = ReturnType<typeof workerView>;

/** What the API and the audit log show of a worker: whether a password or invitation exists, never a hash or token. */
export function workerView(w: IWorker, now: Date) {
  return {
    id: w.id,
    name: w.name,
    email: w.email,
    phone: w.phone ?? null,
    team_id: w.team?.id ?? null,
    active: w.active,
    has_password: Boolean(w.passwordHash),
    invitation_pending: invitationPending(w, now),
    invitation_expires_at: w.inviteExpiresAt ? w.inviteExpiresAt.toISOString() : null,
    created_at: w.createdAt.toISOString(),
    updated_at: w.updatedAt.toISOString(),
  };
}

/** An invitation as answered once, when it is issued: the token exists nowhere else. */
export function invitationView(invitation: { token: string; expiresAt: Date }) {
  return { token: invitation.token, expires_at: invitation.expiresAt.toISOString() };
}
