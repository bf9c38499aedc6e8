import { sqlMigration } from "../sql-migration.ts";

// Indexes the single-company reports and lookups came to need.
export const m0033ReportingIndexes = sqlMigration({
  up: [
    `CREATE INDEX bookings_starts_at_idx ON bookings (starts_at)`,
    `CREATE INDEX invoices_due_at_idx ON invoices (due_at) WHERE status IN ('issued', 'partially_paid')`,
    `CREATE INDEX leads_email_idx ON leads (lower(email))`,
    `CREATE INDEX client_users_email_idx ON client_users (lower(email))`,
    `CREATE INDEX email_events_provider_message_id_idx ON email_events (provider_message_id)`,
  ],
  down: [
    `DROP INDEX email_events_provider_message_id_idx`,
    `DROP INDEX client_users_email_idx`,
    `DROP INDEX leads_email_idx`,
    `DROP INDEX invoices_due_at_idx`,
    `DROP INDEX bookings_starts_at_idx`,
  ],
});
