import { Migration } from "@mikro-orm/migrations";
import { guardDataLoss } from "./data-loss.ts";
import type { MigrationContext } from "./migration-context.ts";
import type { SqlMigrationClass } from "./sql-migration.ts";

/**
 * What invoicing needs beyond the legacy columns: an org's payment terms (the days between issuing an invoice and
 * its due date, 14 unless the org says otherwise), and the data of a queued email (`email_events.payload`: the
 * template's values, e.g. the invoice link a later sender puts in the message; the request that queues it never
 * waits on a mail server). A draft has no number yet: the gapless per-org number is taken when the invoice is issued,
 * so a draft that is discarded (voided) never burns one; every invoice past draft (issued, paid…) has its number.
 */
const UP: readonly string[] = [
  `ALTER TABLE organizations ADD COLUMN payment_terms_days integer NOT NULL DEFAULT 14`,
  `ALTER TABLE organizations ADD CONSTRAINT organizations_payment_terms_days_check CHECK (payment_terms_days >= 0 AND payment_terms_days <= 365)`,
  `ALTER TABLE invoices ALTER COLUMN number DROP NOT NULL`,
  `ALTER TABLE invoices ADD CONSTRAINT invoices_number_check CHECK (number IS NOT NULL OR status IN ('draft', 'void'))`,
  `ALTER TABLE email_events ADD COLUMN payload jsonb NOT NULL DEFAULT '{}'::jsonb`,
  `ALTER TABLE email_events ADD CONSTRAINT email_events_payload_check CHECK (jsonb_typeof(payload) = 'object')`,
];

const DOWN: readonly string[] = [
  `ALTER TABLE email_events DROP CONSTRAINT email_events_payload_check`,
  `ALTER TABLE email_events DROP COLUMN payload`,
  // Drafts without a number get one that cannot collide with the org's sequence before NOT NULL comes back.
  `UPDATE invoices SET number = 'DRAFT-' || id WHERE number IS NULL`,
  `ALTER TABLE invoices DROP CONSTRAINT invoices_number_check`,
  `ALTER TABLE invoices ALTER COLUMN number SET NOT NULL`,
  `ALTER TABLE organizations DROP CONSTRAINT organizations_payment_terms_days_check`,
  `ALTER TABLE organizations DROP COLUMN payment_terms_days`,
];

export function createM0041(ctx: MigrationContext): SqlMigrationClass {
  return class extends Migration {
    override up(): void {
      for (const statement of UP) this.addSql(statement);
    }

    override async down(): Promise<void> {
      // Dropping the columns forgets orgs' own payment terms and the content of queued emails (their links): ask first.
      const [counts] = await this.execute(
        `SELECT (SELECT count(*) FROM organizations WHERE payment_terms_days <> 14)::int AS terms,
                (SELECT count(*) FROM email_events WHERE payload <> '{}'::jsonb)::int AS payloads`,
      );
      guardDataLoss(
        ctx,
        "0041",
        [
          { table: "organizations.payment_terms_days", rows: Number(counts?.terms ?? 0) },
          { table: "email_events.payload", rows: Number(counts?.payloads ?? 0) },
        ],
        "org payment terms and queued email contents",
      );
      for (const statement of DOWN) this.addSql(statement);
    }
  };
}
