import type { MigrationContext } from "./migration-context.ts";
import { onlineMigration, type OnlineDdl } from "./online-ddl.ts";
import type { SqlMigrationClass } from "./sql-migration.ts";

type OnDelete = "CASCADE" | "RESTRICT" | "SET NULL";
/** A legacy single-column reference between business tables, as 0002–0031 created it. */
export type Reference = { table: string; column: string; parent: string; onDelete: OnDelete };

const ref = (table: string, column: string, parent: string, onDelete: OnDelete): Reference => ({ table, column, parent, onDelete });

/** Frozen with this migration: every reference between business tables. */
export const ORG_SCOPED_REFERENCES: readonly Reference[] = [
  ref("team_working_hours", "team_id", "teams", "CASCADE"),
  ref("team_blackouts", "team_id", "teams", "CASCADE"),
  ref("workers", "team_id", "teams", "SET NULL"),
  ref("bookings", "client_id", "client_users", "RESTRICT"),
  ref("bookings", "team_id", "teams", "SET NULL"),
  ref("order_addons", "booking_id", "bookings", "CASCADE"),
  ref("order_addons", "addon_id", "addon_definitions", "RESTRICT"),
  ref("order_photos", "booking_id", "bookings", "CASCADE"),
  ref("order_photos", "worker_id", "workers", "SET NULL"),
  ref("leads", "referred_by_client_id", "client_users", "SET NULL"),
  ref("chat_sessions", "lead_id", "leads", "SET NULL"),
  ref("chat_sessions", "client_id", "client_users", "SET NULL"),
  ref("invoices", "client_id", "client_users", "RESTRICT"),
  ref("invoices", "booking_id", "bookings", "SET NULL"),
  ref("invoice_items", "invoice_id", "invoices", "CASCADE"),
  ref("invoice_payments", "invoice_id", "invoices", "RESTRICT"),
  ref("invoice_public_tokens", "invoice_id", "invoices", "CASCADE"),
  ref("email_events", "booking_id", "bookings", "SET NULL"),
  ref("email_events", "invoice_id", "invoices", "SET NULL"),
  ref("referral_credits", "client_id", "client_users", "RESTRICT"),
  ref("referral_credits", "lead_id", "leads", "SET NULL"),
  ref("referral_credits", "redeemed_invoice_id", "invoices", "SET NULL"),
  ref("documents", "template_id", "document_templates", "SET NULL"),
  ref("documents", "client_id", "client_users", "SET NULL"),
  ref("documents", "booking_id", "bookings", "SET NULL"),
  ref("subscriptions", "client_id", "client_users", "RESTRICT"),
  ref("subscription_addons", "subscription_id", "subscriptions", "CASCADE"),
  ref("subscription_addons", "addon_id", "addon_definitions", "RESTRICT"),
  ref("disputes", "invoice_id", "invoices", "RESTRICT"),
  ref("disputes", "payment_id", "invoice_payments", "SET NULL"),
  ref("financial_adjustment_events", "invoice_id", "invoices", "RESTRICT"),
  ref("financial_adjustment_events", "dispute_id", "disputes", "RESTRICT"),
  ref("checklist_template_items", "template_id", "checklist_templates", "CASCADE"),
  ref("checklist_runs", "template_id", "checklist_templates", "RESTRICT"),
  ref("checklist_runs", "booking_id", "bookings", "CASCADE"),
  ref("checklist_runs", "worker_id", "workers", "SET NULL"),
  ref("checklist_run_items", "run_id", "checklist_runs", "CASCADE"),
  ref("checklist_run_items", "template_item_id", "checklist_template_items", "RESTRICT"),
];

export const orgIdKeyName = (table: string) => `${table}_org_id_id_key`;
export const legacyFkName = (r: Reference) => `${r.table}_${r.column}_fkey`;
export const orgFkName = (r: Reference) => `${r.table}_org_id_${r.column}_fkey`;

// SET NULL on a composite key must null the reference only: org_id is NOT NULL (PostgreSQL 15+ column lists).
const onDeleteSql = (r: Reference) => (r.onDelete === "SET NULL" ? `SET NULL (${r.column})` : r.onDelete);

const parents = () => [...new Set(ORG_SCOPED_REFERENCES.map((r) => r.parent))];

async function up(ddl: OnlineDdl, ctx: MigrationContext): Promise<void> {
  for (const parent of parents()) {
    await ddl.ensureUniqueConstraint(parent, orgIdKeyName(parent), ["org_id", "id"]);
    ctx.logger.info({ migration: "0036", table: parent }, `0036 unique (org_id, id): ${parent}`);
  }
  for (const r of ORG_SCOPED_REFERENCES) {
    const state = await ddl.constraintState(r.table, orgFkName(r));
    if (state === "missing") {
      await ddl.run(`${r.table}: add ${orgFkName(r)}`, [
        `ALTER TABLE ${r.table} ADD CONSTRAINT ${orgFkName(r)} FOREIGN KEY (org_id, ${r.column})
           REFERENCES ${r.parent} (org_id, id) ON DELETE ${onDeleteSql(r)} NOT VALID`,
      ]);
    }
    if (state !== "valid") {
      // A row pointing at another org's parent fails here, naming the constraint: such data must be fixed first.
      await ddl.run(`${r.table}: validate ${orgFkName(r)}`, [`ALTER TABLE ${r.table} VALIDATE CONSTRAINT ${orgFkName(r)}`], {
        transaction: false,
      });
    }
    await ddl.run(`${r.table}: drop ${legacyFkName(r)}`, [`ALTER TABLE ${r.table} DROP CONSTRAINT IF EXISTS ${legacyFkName(r)}`]);
    ctx.logger.info({ migration: "0036", table: r.table, column: r.column }, `0036 composite reference: ${r.table}.${r.column}`);
  }
}

async function down(ddl: OnlineDdl, ctx: MigrationContext): Promise<void> {
  for (const r of [...ORG_SCOPED_REFERENCES].reverse()) {
    const state = await ddl.constraintState(r.table, legacyFkName(r));
    if (state === "missing") {
      await ddl.run(`${r.table}: restore ${legacyFkName(r)}`, [
        `ALTER TABLE ${r.table} ADD CONSTRAINT ${legacyFkName(r)} FOREIGN KEY (${r.column})
           REFERENCES ${r.parent} (id) ON DELETE ${r.onDelete} NOT VALID`,
      ]);
    }
    if (state !== "valid") {
      await ddl.run(`${r.table}: validate ${legacyFkName(r)}`, [`ALTER TABLE ${r.table} VALIDATE CONSTRAINT ${legacyFkName(r)}`], {
        transaction: false,
      });
    }
    await ddl.run(`${r.table}: drop ${orgFkName(r)}`, [`ALTER TABLE ${r.table} DROP CONSTRAINT IF EXISTS ${orgFkName(r)}`]);
  }
  for (const parent of parents()) {
    await ddl.run(`${parent}: drop ${orgIdKeyName(parent)}`, [`ALTER TABLE ${parent} DROP CONSTRAINT IF EXISTS ${orgIdKeyName(parent)}`]);
  }
  ctx.logger.info({ migration: "0036" }, "0036 down: single-column references restored");
}

export function createM0036(ctx: MigrationContext): SqlMigrationClass {
  return onlineMigration(ctx, { up, down });
}
