import type { entities } from "@cleanops/db";

export function invitationView(i: entities.IInvitation) {
  return {
    id: i.id,
    org_id: i.organization.orgId,
    email: i.email,
    role: i.role,
    invited_by_user_id: i.invitedBy?.id ?? null,
    expires_at: i.expiresAt.toISOString(),
    created_at: i.createdAt.toISOString(),
  };
}
