import type { IAdminAuditLog } from "@cleanops/db";

export type AuditLogView = ReturnType<typeof auditLogView>;

export function auditLogView(a: IAdminAuditLog) {
  return {
    id: a.id,
    actor_user_id: a.actorUserId ?? null,
    action: a.action,
    entity_type: a.entityType,
    entity_id: a.entityId ?? null,
    changes: a.changes,
    ip: a.ip ?? null,
    request_id: a.requestId ?? null,
    created_at: a.createdAt.toISOString(),
  };
}
