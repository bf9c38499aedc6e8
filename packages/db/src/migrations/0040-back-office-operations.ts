import { Migration } from "@mikro-orm/migrations";
import { guardDataLoss } from "./data-loss.ts";
import type { MigrationContext } from "./migration-context.ts";
import type { SqlMigrationClass } from "./sql-migration.ts";

/**
 * What the back office's operations need beyond the legacy columns: archiving clients (a client with bookings and
 * invoices is never deleted, only hidden from pickers), and a worker's invitation to choose a password (its token
 * stored hashed, unique within the org like every new key, so the schema stays distributable by org_id).
 */
const UP: readonly string[] = [
  `ALTER TABLE client_users ADD COLUMN archived_at timestamptz`,
  `ALTER TABLE workers ADD COLUMN invite_token_hash text, ADD COLUMN invite_expires_at timestamptz`,
  `ALTER TABLE workers ADD CONSTRAINT workers_org_id_invite_token_hash_key UNIQUE (org_id, invite_token_hash)`,
  `ALTER TABLE workers ADD CONSTRAINT workers_invite_check CHECK ((invite_token_hash IS NULL) = (invite_expires_at IS NULL))`,
];

const DOWN: readonly string[] = [
  `ALTER TABLE workers DROP CONSTRAINT workers_invite_check`,
  `ALTER TABLE workers DROP CONSTRAINT workers_org_id_invite_token_hash_key`,
  `ALTER TABLE workers DROP COLUMN invite_expires_at, DROP COLUMN invite_token_hash`,
  `ALTER TABLE client_users DROP COLUMN archived_at`,
];

export function createM0040(ctx: MigrationContext): SqlMigrationClass {
  return class extends Migration {
    override up(): void {
      for (const statement of UP) this.addSql(statement);
    }

    override async down(): Promise<void> {
      // Dropping the columns un-archives archived clients and voids pending worker invitations: ask first.
      const [counts] = await this.execute(
        `SELECT (SELECT count(*) FROM client_users WHERE archived_at IS NOT NULL)::int AS archived,
                (SELECT count(*) FROM workers WHERE invite_token_hash IS NOT NULL)::int AS invited`,
      );
      guardDataLoss(
        ctx,
        "0040",
        [
          { table: "client_users.archived_at", rows: Number(counts?.archived ?? 0) },
          { table: "workers.invite_token_hash", rows: Number(counts?.invited ?? 0) },
        ],
        "client archive marks and pending worker invitations",
      );
      for (const statement of DOWN) this.addSql(statement);
    }
  };
}
