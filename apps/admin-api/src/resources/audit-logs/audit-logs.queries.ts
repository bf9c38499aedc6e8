import { entities, keysetAfter, NEWEST_FIRST, type IAdminAuditLog } from "@cleanops/db";
import { notFound } from "@cleanops/http";
import type { EntityManager, FilterQuery } from "@mikro-orm/postgresql";
import type { ListAuditLogsInput } from "./audit-logs.schemas.ts";

const { AdminAuditLog } = entities;

export async function findAuditLog(em: EntityManager, id: string): Promise<IAdminAuditLog> {
  const entry = await em.findOne(AdminAuditLog, { id });
  if (!entry) throw notFound("No such audit log entry.");
  return entry;
}

export async function listAuditLogs(em: EntityManager, orgId: string, query: ListAuditLogsInput): Promise<IAdminAuditLog[]> {
  const where: FilterQuery<IAdminAuditLog>[] = [keysetAfter<IAdminAuditLog>("admin_audit_logs", orgId, query.cursor)];
  if (query.actor_user_id) where.push({ actorUserId: query.actor_user_id });
  if (query.entity_type) where.push({ entityType: query.entity_type });
  if (query.entity_id) where.push({ entityId: query.entity_id });
  if (query.action) where.push({ action: query.action });
  if (query.from) where.push({ createdAt: { $gte: query.from } });
  if (query.to) where.push({ createdAt: { $lt: query.to } });
  return em.find(AdminAuditLog, { $and: where }, { orderBy: NEWEST_FIRST, limit: query.limit + 1 });
}
