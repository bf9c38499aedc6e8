import { Migration } from "@mikro-orm/migrations";
import { guardDataLoss } from "./data-loss.ts";
import type { MigrationContext } from "./migration-context.ts";
import type { SqlMigrationClass } from "./sql-migration.ts";
import { APP_ROLE } from "../tenancy/database-roles.ts";

/**
 * What staff authentication keeps: refresh tokens (hashed, rotated, grouped in families so reuse revokes a whole
 * login), invitations (hashed, single use, bound to an email) and login attempts (throttling). These are platform
 * tables: a login or an invitation is looked up before any org context exists, so they carry org_id as a plain
 * foreign key and no row-level security; the application only ever reaches them by token hash or by user.
 */
const UP: readonly string[] = [
  `CREATE TABLE refresh_tokens (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      org_id uuid NOT NULL REFERENCES organizations (org_id) ON DELETE CASCADE,
      family_id uuid NOT NULL,
      token_hash text NOT NULL CONSTRAINT refresh_tokens_token_hash_key UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      revoked_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
  `CREATE INDEX refresh_tokens_family_id_idx ON refresh_tokens (family_id)`,
  `CREATE INDEX refresh_tokens_user_id_idx ON refresh_tokens (user_id)`,
  `CREATE TABLE invitations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL REFERENCES organizations (org_id) ON DELETE CASCADE,
      email text NOT NULL CHECK (email = lower(btrim(email))),
      role text NOT NULL CHECK (role IN ('owner', 'admin', 'dispatcher', 'finance')),
      token_hash text NOT NULL CONSTRAINT invitations_token_hash_key UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
      invited_by_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
      expires_at timestamptz NOT NULL,
      accepted_at timestamptz,
      accepted_by_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
      revoked_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
  `CREATE INDEX invitations_org_id_created_at_idx ON invitations (org_id, created_at)`,
  `CREATE TABLE login_attempts (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      email text NOT NULL,
      ip inet,
      succeeded boolean NOT NULL,
      attempted_at timestamptz NOT NULL DEFAULT now()
    )`,
  `CREATE INDEX login_attempts_email_attempted_at_idx ON login_attempts (email, attempted_at)`,
  `CREATE INDEX login_attempts_ip_attempted_at_idx ON login_attempts (ip, attempted_at)`,
  `GRANT SELECT, INSERT, UPDATE ON refresh_tokens, invitations TO ${APP_ROLE}`,
  `GRANT SELECT, INSERT, DELETE ON login_attempts TO ${APP_ROLE}`,
  // An attempt is counted as a failure before the password is checked, and only ever turned into a success.
  `GRANT UPDATE (succeeded) ON login_attempts TO ${APP_ROLE}`,
];

const TABLES = ["refresh_tokens", "invitations", "login_attempts"] as const;

export function createM0038(ctx: MigrationContext): SqlMigrationClass {
  return class extends Migration {
    override up(): void {
      for (const statement of UP) this.addSql(statement);
    }

    override async down(): Promise<void> {
      // Dropping the tables loses live sessions, pending invitations and the throttle's memory: ask first.
      const [counts] = await this.execute(`SELECT ${TABLES.map((t) => `(SELECT count(*) FROM ${t})::int AS ${t}`).join(", ")}`);
      const losses = TABLES.map((table) => ({ table, rows: Number(counts?.[table] ?? 0) }));
      guardDataLoss(ctx, "0038", losses, "sign-in sessions, invitations and login attempts");
      for (const t of [...TABLES].reverse()) this.addSql(`DROP TABLE ${t}`);
    }
  };
}
