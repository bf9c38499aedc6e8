import { sqlMigration } from "../sql-migration.ts";

// Append-only record of who changed what in the back office.
export const m0027AdminAuditLogs = sqlMigration({
  up: [
    `CREATE TABLE admin_audit_logs (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      actor_user_id uuid,
      action text NOT NULL,
      entity_type text NOT NULL,
      entity_id text,
      changes jsonb NOT NULL DEFAULT '{}'::jsonb,
      ip inet,
      request_id text,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE INDEX admin_audit_logs_entity_idx ON admin_audit_logs (entity_type, entity_id)`,
  ],
  down: [`DROP TABLE admin_audit_logs`],
});
