import { Migration } from "@mikro-orm/migrations";
import { guardDataLoss } from "./data-loss.ts";
import type { MigrationContext } from "./migration-context.ts";
import type { SqlMigrationClass } from "./sql-migration.ts";
import { APP_ROLE } from "../tenancy/database-roles.ts";

/**
 * Accounts an attacker cannot squat or keep: and mail that really goes out.
 *
 * - `users.email_verified_at`: accounts start unverified; a verification link, a password reset or an accepted
 *   invitation proves the address. Accounts that existed before are taken as verified (they were created by an
 *   operator or signed up before there was any way to verify).
 * - `users.tokens_valid_after`: "sign out everywhere", a password change or reset, a taken-back address: every access
 *   token issued before it is refused on the next request (checked with the live membership).
 * - `account_tokens`: single-use links (email verification, password reset), stored as SHA-256 only, expiring.
 * - `mail_outbox`: every mail is written in the same transaction as the change that causes it, and delivered after
 *   commit by a sender (SMTP, or the developer's console in the demo). A platform table: a verification mail belongs to
 *   no org. The body is emptied once delivered, so a sent link does not linger in the database.
 */
const UP: readonly string[] = [
  `ALTER TABLE users ADD COLUMN email_verified_at timestamptz`,
  `ALTER TABLE users ADD COLUMN tokens_valid_after timestamptz`,
  `UPDATE users SET email_verified_at = created_at WHERE email_verified_at IS NULL`,
  `CREATE TABLE account_tokens (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      purpose text NOT NULL CHECK (purpose IN ('verify_email', 'password_reset')),
      email text NOT NULL CHECK (email = lower(btrim(email))),
      token_hash text NOT NULL CONSTRAINT account_tokens_token_hash_key UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
  `CREATE INDEX account_tokens_user_id_idx ON account_tokens (user_id)`,
  `CREATE TABLE mail_outbox (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      org_id uuid REFERENCES organizations (org_id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (length(kind) BETWEEN 1 AND 64),
      to_address text NOT NULL CHECK (to_address ~~ '%_@_%'),
      subject text NOT NULL,
      text_body text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      sent_at timestamptz,
      last_error text
    )`,
  `CREATE INDEX mail_outbox_next_attempt_at_idx ON mail_outbox (next_attempt_at) WHERE sent_at IS NULL`,
  `CREATE INDEX mail_outbox_org_id_idx ON mail_outbox (org_id)`,
  `GRANT SELECT, INSERT, UPDATE ON account_tokens, mail_outbox TO ${APP_ROLE}`,
  `GRANT DELETE ON mail_outbox TO ${APP_ROLE}`,
];

const DOWN: readonly string[] = [
  `DROP TABLE mail_outbox`,
  `DROP TABLE account_tokens`,
  `ALTER TABLE users DROP COLUMN tokens_valid_after`,
  `ALTER TABLE users DROP COLUMN email_verified_at`,
];

export function createM0044(ctx: MigrationContext): SqlMigrationClass {
  return class extends Migration {
    override up(): void {
      for (const statement of UP) this.addSql(statement);
    }

    override async down(): Promise<void> {
      // Dropping these forgets pending links and undelivered mail, and which addresses were proven: ask first.
      const [counts] = await this.execute(
        `SELECT (SELECT count(*) FROM account_tokens WHERE used_at IS NULL)::int AS tokens,
                (SELECT count(*) FROM mail_outbox WHERE sent_at IS NULL)::int AS mails`,
      );
      guardDataLoss(
        ctx,
        "0044",
        [
          { table: "account_tokens", rows: Number(counts?.tokens ?? 0) },
          { table: "mail_outbox", rows: Number(counts?.mails ?? 0) },
        ],
        "unused verification/reset links and undelivered mail",
      );
      for (const statement of DOWN) this.addSql(statement);
    }
  };
}
