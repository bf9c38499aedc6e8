import { Migration } from "@mikro-orm/migrations";
import { guardDataLoss } from "./data-loss.ts";
import type { MigrationContext } from "./migration-context.ts";
import type { SqlMigrationClass } from "./sql-migration.ts";
import { APP_ROLE } from "../tenancy/database-roles.ts";

/** rate-limiter-flexible's RateLimiterPostgres table for the public invoice links (shared by every instance). */
export const PUBLIC_INVOICE_RATE_LIMIT_TABLE = "rate_limits_public_invoices";

/**
 * What taking card payments over webhooks needs:
 *
 * - `stripe_event_receipts`: the idempotency gate of webhook events. A Stripe event id is unique across the whole
 *   installation and arrives before any org is known, so this is a platform table (no row-level security) keyed by
 *   the event id alone. The webhook inserts the id with ON CONFLICT DO NOTHING in the same transaction as the event's
 *   effect: a redelivery (or ten concurrent ones) finds the row and does nothing. The app role may only read and
 *   insert: a receipt is never changed or removed by the application. The org's own copy of the event (payload,
 *   processed_at, error) stays in the tenant table `stripe_events`, unique per (org_id, stripe_event_id).
 *   `payment_intent_id` files a payment's later card-dispute events (which carry no metadata) under the org whose
 *   verified payment event named that PaymentIntent.
 * - `disputes.provider_dispute_id`: the card network's dispute (Stripe `dp_…`), unique within the org, so each
 *   `charge.dispute.*` event updates one dispute row.
 * - the rate limiter's table, in the exact shape RateLimiterPostgres expects (`key`, `points`, `expire` in epoch
 *   milliseconds), created here rather than by the library at start-up (the app role may not create tables). The
 *   library upserts counters and deletes expired ones, hence SELECT, INSERT, UPDATE, DELETE.
 */
const UP: readonly string[] = [
  `CREATE TABLE stripe_event_receipts (
      stripe_event_id text PRIMARY KEY CHECK (length(stripe_event_id) BETWEEN 1 AND 255),
      org_id uuid REFERENCES organizations (org_id) ON DELETE SET NULL,
      payment_intent_id text,
      received_at timestamptz NOT NULL DEFAULT now()
    )`,
  `CREATE INDEX stripe_event_receipts_org_id_idx ON stripe_event_receipts (org_id)`,
  `CREATE INDEX stripe_event_receipts_payment_intent_id_idx ON stripe_event_receipts (payment_intent_id) WHERE org_id IS NOT NULL`,
  `GRANT SELECT, INSERT ON stripe_event_receipts TO ${APP_ROLE}`,
  `CREATE TABLE ${PUBLIC_INVOICE_RATE_LIMIT_TABLE} (
      key varchar(255) PRIMARY KEY,
      points integer NOT NULL DEFAULT 0,
      expire bigint
    )`,
  `CREATE INDEX ${PUBLIC_INVOICE_RATE_LIMIT_TABLE}_expire_idx ON ${PUBLIC_INVOICE_RATE_LIMIT_TABLE} (expire)`,
  `GRANT SELECT, INSERT, UPDATE, DELETE ON ${PUBLIC_INVOICE_RATE_LIMIT_TABLE} TO ${APP_ROLE}`,
  `ALTER TABLE disputes ADD COLUMN provider_dispute_id text`,
  `ALTER TABLE disputes ADD CONSTRAINT disputes_org_id_provider_dispute_id_key UNIQUE (org_id, provider_dispute_id)`,
];

const DOWN: readonly string[] = [
  `ALTER TABLE disputes DROP CONSTRAINT disputes_org_id_provider_dispute_id_key`,
  `ALTER TABLE disputes DROP COLUMN provider_dispute_id`,
  `DROP TABLE ${PUBLIC_INVOICE_RATE_LIMIT_TABLE}`,
  `DROP TABLE stripe_event_receipts`,
];

export function createM0043(ctx: MigrationContext): SqlMigrationClass {
  return class extends Migration {
    override up(): void {
      for (const statement of UP) this.addSql(statement);
    }

    override async down(): Promise<void> {
      // Forgetting receipts would let Stripe's redeliveries pay twice; forgetting dispute ids, open a dispute twice.
      const [counts] = await this.execute(
        `SELECT (SELECT count(*) FROM stripe_event_receipts)::int AS receipts,
                (SELECT count(*) FROM disputes WHERE provider_dispute_id IS NOT NULL)::int AS disputes`,
      );
      guardDataLoss(
        ctx,
        "0043",
        [
          { table: "stripe_event_receipts", rows: Number(counts?.receipts ?? 0) },
          { table: "disputes.provider_dispute_id", rows: Number(counts?.disputes ?? 0) },
        ],
        "webhook event receipts and card dispute ids",
      );
      for (const statement of DOWN) this.addSql(statement);
    }
  };
}
