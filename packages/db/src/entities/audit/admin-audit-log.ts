import { p, type InferEntity } from "@mikro-orm/core";
import { appendOnlyTrigger } from "../base/append-only.ts";
import { defineOrgEntity } from "../base/org-scoped.ts";
import { uuidPrimaryKey } from "../base/primary-key.ts";

/** Append-only record of who changed what in the back office: the database refuses UPDATE and DELETE. */
export const AdminAuditLog = defineOrgEntity({
  name: "AdminAuditLog",
  tableName: "admin_audit_logs",
  properties: {
    id: uuidPrimaryKey(),
    // A users.id without a foreign key: the log outlives the staff accounts it mentions.
    actorUserId: p.uuid().nullable(),
    action: p.text(),
    entityType: p.text(),
    entityId: p.text().nullable(),
    changes: p.json<Record<string, unknown>>().defaultRaw("'{}'::jsonb"),
    ip: p.string().columnType("inet").nullable(),
    requestId: p.text().nullable(),
    createdAt: p.datetime().defaultRaw("now()"),
  },
  indexes: [{ name: "admin_audit_logs_entity_idx", properties: ["entityType", "entityId"] }, { properties: ["orgId", "createdAt"] }],
  triggers: [appendOnlyTrigger("admin_audit_logs")],
});

export type IAdminAuditLog = InferEntity<typeof AdminAuditLog>;
