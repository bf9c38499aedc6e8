import type { entities } from "@cleanops/db";

/** A membership with its user loaded. */
export function membershipView(m: entities.IMembership) {
  const user = m.user.getEntity();
  return {
    id: m.id,
    org_id: m.organization.orgId,
    user: { id: user.id, email: user.email, name: user.name ?? null, disabled: user.disabledAt != null },
    role: m.role,
    created_at: m.createdAt.toISOString(),
    revoked_at: m.revokedAt ? m.revokedAt.toISOString() : null,
  };
}
