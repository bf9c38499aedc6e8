import type { entities } from "@cleanops/db";

export function orgView(org: entities.IOrganization) {
  return { org_id: org.orgId, name: org.name, slug: org.slug, status: org.status, created_at: org.createdAt.toISOString() };
}
