import { sqlMigration } from "./sql-migration.ts";

/**
 * What the back office's operations need beyond the legacy columns: archiving clients (a client with bookings and
 * invoices is never deleted, only hidden from pickers), and a worker's invitation to choose a password (its token
 * stored hashed, unique within the org like every new key, so the schema stays distributable by org_id).
 */
export const m0040BackOfficeOperations = sqlMigration({
  up: [
    `ALTER TABLE client_users ADD COLUMN archived_at timestamptz`,
    `ALTER TABLE workers ADD COLUMN invite_token_hash text, ADD COLUMN invite_expires_at timestamptz`,
    `ALTER TABLE workers ADD CONSTRAINT workers_org_id_invite_token_hash_key UNIQUE (org_id, invite_token_hash)`,
    `ALTER TABLE workers ADD CONSTRAINT workers_invite_check CHECK ((invite_token_hash IS NULL) = (invite_expires_at IS NULL))`,
  ],
  down: [
    `ALTER TABLE workers DROP CONSTRAINT workers_invite_check`,
    `ALTER TABLE workers DROP CONSTRAINT workers_org_id_invite_token_hash_key`,
    `ALTER TABLE workers DROP COLUMN invite_expires_at, DROP COLUMN invite_token_hash`,
    `ALTER TABLE client_users DROP COLUMN archived_at`,
  ],
});
