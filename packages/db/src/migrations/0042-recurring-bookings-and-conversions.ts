import type { Reference } from "./0036-org-scoped-references.ts";
import { sqlMigration } from "./sql-migration.ts";

/**
 * The org-scoped references this migration adds, in the shape of 0036's: `(org_id, column) → parent (org_id, id)`,
 * so the entities' schema test accepts exactly the same mapping difference for them (see `orgFk`).
 */
export const M0042_ORG_SCOPED_REFERENCES: readonly Reference[] = [
  { table: "bookings", column: "subscription_id", parent: "subscriptions", onDelete: "RESTRICT" },
  { table: "leads", column: "converted_client_id", parent: "client_users", onDelete: "RESTRICT" },
];

/**
 * Recurring bookings and lead conversion:
 * - a booking made by a subscription's due-run names the plan and the occurrence's date; `UNIQUE (org_id,
 *   subscription_id, occurrence_date)` is what makes the due-run create each occurrence once however often and however
 *   concurrently it runs (`INSERT … ON CONFLICT DO NOTHING`), instead of a check-then-insert that races;
 * - a subscription keeps the job's length and, for monthly plans, the day of the month it was started on
 *   (`anchor_day`), so a plan of the 31st lands on Feb 28/29 and returns to the 31st in March;
 * - a won lead records the client it became (`converted_client_id`), which is what makes the conversion happen once;
 * - a lead grants at most one referral credit (`UNIQUE (org_id, lead_id)`).
 * Every new key includes org_id, like every key since 0036.
 */
export const m0042RecurringBookingsAndConversions = sqlMigration({
  up: [
    `ALTER TABLE subscriptions
       ADD COLUMN duration_minutes integer NOT NULL DEFAULT 120 CHECK (duration_minutes > 0),
       ADD COLUMN anchor_day integer CHECK (anchor_day >= 1 AND anchor_day <= 31)`,
    `ALTER TABLE bookings ADD COLUMN subscription_id uuid, ADD COLUMN occurrence_date date`,
    `ALTER TABLE bookings ADD CONSTRAINT bookings_occurrence_check CHECK ((subscription_id IS NULL) = (occurrence_date IS NULL))`,
    `ALTER TABLE bookings ADD CONSTRAINT bookings_org_id_subscription_id_fkey FOREIGN KEY (org_id, subscription_id)
       REFERENCES subscriptions (org_id, id) ON DELETE RESTRICT`,
    `ALTER TABLE bookings ADD CONSTRAINT bookings_org_id_subscription_id_occurrence_date_key UNIQUE (org_id, subscription_id, occurrence_date)`,
    `ALTER TABLE leads ADD COLUMN converted_client_id uuid`,
    `ALTER TABLE leads ADD CONSTRAINT leads_org_id_converted_client_id_fkey FOREIGN KEY (org_id, converted_client_id)
       REFERENCES client_users (org_id, id) ON DELETE RESTRICT`,
    `ALTER TABLE referral_credits ADD CONSTRAINT referral_credits_org_id_lead_id_key UNIQUE (org_id, lead_id)`,
  ],
  down: [
    `ALTER TABLE referral_credits DROP CONSTRAINT referral_credits_org_id_lead_id_key`,
    `ALTER TABLE leads DROP CONSTRAINT leads_org_id_converted_client_id_fkey`,
    `ALTER TABLE leads DROP COLUMN converted_client_id`,
    `ALTER TABLE bookings DROP CONSTRAINT bookings_org_id_subscription_id_occurrence_date_key`,
    `ALTER TABLE bookings DROP CONSTRAINT bookings_org_id_subscription_id_fkey`,
    `ALTER TABLE bookings DROP CONSTRAINT bookings_occurrence_check`,
    `ALTER TABLE bookings DROP COLUMN occurrence_date, DROP COLUMN subscription_id`,
    `ALTER TABLE subscriptions DROP COLUMN anchor_day, DROP COLUMN duration_minutes`,
  ],
});
