/** The pure rules of a worker's portal access: invitations to choose a password. */

/** How long an invitation link stays good: long enough for a cleaner who reads email weekly. */
export const INVITATION_TTL_DAYS = 7;

const DAY_MS = 86_400_000;

export function invitationExpiry(now: Date): Date {
  return new Date(now.getTime() + INVITATION_TTL_DAYS * DAY_MS);
}

type InvitationState = { active: boolean; inviteTokenHash?: string | null; inviteExpiresAt?: Date | null };

/** An invitation can still be accepted: issued, not expired, and the worker not deactivated. */
export function invitationPending(w: InvitationState, now: Date): boolean {
  return w.active && Boolean(w.inviteTokenHash) && w.inviteExpiresAt instanceof Date && w.inviteExpiresAt.getTime() > now.getTime();
}

/** Whether deactivating changes anything: an inactive worker without a pending token is already locked out. */
export function deactivationChangesSomething(w: InvitationState): boolean {
  return w.active || Boolean(w.inviteTokenHash);
}
