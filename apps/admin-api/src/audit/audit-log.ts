import { entities, withOrg } from "@cleanops/db";
import type { EntityManager, MikroORM } from "@mikro-orm/postgresql";
import type { RequestMeta } from "./request-meta.ts";

const { AdminAuditLog } = entities;

export const AUDIT_ACTIONS = [
  "auth.login",
  "auth.login_failed",
  "auth.org_switched",
  "auth.refresh_reuse_detected",
  "auth.logout_all",
  "auth.password_changed",
  "auth.password_reset",
  "org.created",
  "org.updated",
  "ownership.transferred",
  "membership.role_changed",
  "membership.revoked",
  "invitation.created",
  "invitation.revoked",
  "invitation.accepted",
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export type AuditEntry = {
  /** Who did it; null when nobody is authenticated (a failed sign-in). */
  actorUserId: string | null;
  action: AuditAction;
  entityType: "user" | "organization" | "membership" | "invitation" | "refresh_token_family";
  entityId: string | null;
  /** Before/after or context; never a password, token or hash. */
  changes?: Record<string, unknown>;
};

/**
 * Stages one admin_audit_logs row on `em`, which must be bound to the org (request context or `withOrg`): the tenant
 * guard gives the row that org and row-level security refuses any other. The caller's flush writes it, so the entry
 * commits or rolls back with the change it describes.
 */
export function recordAudit(em: EntityManager, meta: RequestMeta, entry: AuditEntry): void {
  em.create(AdminAuditLog, {
    actorUserId: entry.actorUserId,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    changes: entry.changes ?? {},
    ip: meta.ip,
    requestId: meta.requestId,
  });
}

/** An audit row on its own, in its own transaction of `orgId` (for events that change nothing else in the org). */
export async function auditInOrg(orm: MikroORM, orgId: string, meta: RequestMeta, entry: AuditEntry): Promise<void> {
  await withOrg(orm, orgId, async (em) => {
    recordAudit(em, meta, entry);
    await em.flush();
  });
}
