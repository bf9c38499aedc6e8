import { createM0034 } from "./0034-org-id-uuid-and-default-org.ts";
import { createM0035 } from "./0035-add-org-id-to-core-tables.ts";
import { createM0036 } from "./0036-org-scoped-references.ts";
import { m0037RowLevelSecurity } from "./0037-row-level-security.ts";
import { createM0038 } from "./0038-auth-sessions-and-invitations.ts";
import { m0039PublicInvoiceTokenLookup } from "./0039-public-invoice-token-lookup.ts";
import { createM0040 } from "./0040-back-office-operations.ts";
import { createM0041 } from "./0041-invoicing-settings.ts";
import { createM0043 } from "./0043-payment-webhooks-and-rate-limits.ts";
import { createM0044 } from "./0044-account-security-and-mail-outbox.ts";
import { createM0049 } from "./0049-bookings-status-list-index.ts";
import { m0051OrgSettingsGrant } from "./0051-org-settings-grant.ts";
import { m0052PlatformRowLevelSecurity } from "./0052-platform-row-level-security.ts";
import { m0053CachedLookupPlans } from "./0053-cached-lookup-plans.ts";
import { m0042RecurringBookingsAndConversions } from "./0042-recurring-bookings-and-conversions.ts";
import { m0001PlatformOrganizations } from "./legacy/0001-platform-organizations.ts";
import { m0002ClientUsers } from "./legacy/0002-client-users.ts";
import { m0003Teams } from "./legacy/0003-teams.ts";
import { m0004TeamWorkingHours } from "./legacy/0004-team-working-hours.ts";
import { m0005TeamBlackouts } from "./legacy/0005-team-blackouts.ts";
import { m0006Workers } from "./legacy/0006-workers.ts";
import { m0007AddonDefinitions } from "./legacy/0007-addon-definitions.ts";
import { m0008Bookings } from "./legacy/0008-bookings.ts";
import { m0009OrderAddons } from "./legacy/0009-order-addons.ts";
import { m0010OrderPhotos } from "./legacy/0010-order-photos.ts";
import { m0011Leads } from "./legacy/0011-leads.ts";
import { m0012ChatSessions } from "./legacy/0012-chat-sessions.ts";
import { m0013InvoiceNumberSequences } from "./legacy/0013-invoice-number-sequences.ts";
import { m0014Invoices } from "./legacy/0014-invoices.ts";
import { m0015InvoiceItems } from "./legacy/0015-invoice-items.ts";
import { m0016InvoicePayments } from "./legacy/0016-invoice-payments.ts";
import { m0017InvoicePublicTokens } from "./legacy/0017-invoice-public-tokens.ts";
import { m0018StripeEvents } from "./legacy/0018-stripe-events.ts";
import { m0019EmailEvents } from "./legacy/0019-email-events.ts";
import { m0020ReferralCredits } from "./legacy/0020-referral-credits.ts";
import { m0021DocumentTemplates } from "./legacy/0021-document-templates.ts";
import { m0022Documents } from "./legacy/0022-documents.ts";
import { m0023Subscriptions } from "./legacy/0023-subscriptions.ts";
import { m0024SubscriptionAddons } from "./legacy/0024-subscription-addons.ts";
import { m0025Disputes } from "./legacy/0025-disputes.ts";
import { m0026FinancialAdjustmentEvents } from "./legacy/0026-financial-adjustment-events.ts";
import { m0027AdminAuditLogs } from "./legacy/0027-admin-audit-logs.ts";
import { m0028ChecklistTemplates } from "./legacy/0028-checklist-templates.ts";
import { m0029ChecklistTemplateItems } from "./legacy/0029-checklist-template-items.ts";
import { m0030ChecklistRuns } from "./legacy/0030-checklist-runs.ts";
import { m0031ChecklistRunItems } from "./legacy/0031-checklist-run-items.ts";
import { m0032AppendOnlyLedgers } from "./legacy/0032-append-only-ledgers.ts";
import { m0033ReportingIndexes } from "./legacy/0033-reporting-indexes.ts";
import type { MigrationContext } from "./migration-context.ts";
import type { SqlMigrationClass } from "./sql-migration.ts";

export type MigrationEntry = { name: string; create: (ctx: MigrationContext) => SqlMigrationClass };

/** Every migration, in order. Names are stable ids: `NNNN_what_it_does`. */
export const MIGRATIONS: readonly MigrationEntry[] = [
  { name: "0001_platform_organizations", create: () => m0001PlatformOrganizations },
  { name: "0002_client_users", create: () => m0002ClientUsers },
  { name: "0003_teams", create: () => m0003Teams },
  { name: "0004_team_working_hours", create: () => m0004TeamWorkingHours },
  { name: "0005_team_blackouts", create: () => m0005TeamBlackouts },
  { name: "0006_workers", create: () => m0006Workers },
  { name: "0007_addon_definitions", create: () => m0007AddonDefinitions },
  { name: "0008_bookings", create: () => m0008Bookings },
  { name: "0009_order_addons", create: () => m0009OrderAddons },
  { name: "0010_order_photos", create: () => m0010OrderPhotos },
  { name: "0011_leads", create: () => m0011Leads },
  { name: "0012_chat_sessions", create: () => m0012ChatSessions },
  { name: "0013_invoice_number_sequences", create: () => m0013InvoiceNumberSequences },
  { name: "0014_invoices", create: () => m0014Invoices },
  { name: "0015_invoice_items", create: () => m0015InvoiceItems },
  { name: "0016_invoice_payments", create: () => m0016InvoicePayments },
  { name: "0017_invoice_public_tokens", create: () => m0017InvoicePublicTokens },
  { name: "0018_stripe_events", create: () => m0018StripeEvents },
  { name: "0019_email_events", create: () => m0019EmailEvents },
  { name: "0020_referral_credits", create: () => m0020ReferralCredits },
  { name: "0021_document_templates", create: () => m0021DocumentTemplates },
  { name: "0022_documents", create: () => m0022Documents },
  { name: "0023_subscriptions", create: () => m0023Subscriptions },
  { name: "0024_subscription_addons", create: () => m0024SubscriptionAddons },
  { name: "0025_disputes", create: () => m0025Disputes },
  { name: "0026_financial_adjustment_events", create: () => m0026FinancialAdjustmentEvents },
  { name: "0027_admin_audit_logs", create: () => m0027AdminAuditLogs },
  { name: "0028_checklist_templates", create: () => m0028ChecklistTemplates },
  { name: "0029_checklist_template_items", create: () => m0029ChecklistTemplateItems },
  { name: "0030_checklist_runs", create: () => m0030ChecklistRuns },
  { name: "0031_checklist_run_items", create: () => m0031ChecklistRunItems },
  { name: "0032_append_only_ledgers", create: () => m0032AppendOnlyLedgers },
  { name: "0033_reporting_indexes", create: () => m0033ReportingIndexes },
  { name: "0034_org_id_uuid_and_default_org", create: createM0034 },
  { name: "0035_add_org_id_to_core_tables", create: createM0035 },
  { name: "0036_org_scoped_references", create: createM0036 },
  { name: "0037_row_level_security", create: () => m0037RowLevelSecurity },
  { name: "0038_auth_sessions_and_invitations", create: createM0038 },
  { name: "0039_public_invoice_token_lookup", create: () => m0039PublicInvoiceTokenLookup },
  { name: "0040_back_office_operations", create: createM0040 },
  { name: "0041_invoicing_settings", create: createM0041 },
  { name: "0042_recurring_bookings_and_conversions", create: () => m0042RecurringBookingsAndConversions },
  { name: "0043_payment_webhooks_and_rate_limits", create: createM0043 },
  { name: "0044_account_security_and_mail_outbox", create: createM0044 },
  { name: "0049_bookings_status_list_index", create: createM0049 },
  { name: "0051_org_settings_grant", create: () => m0051OrgSettingsGrant },
  { name: "0052_platform_row_level_security", create: () => m0052PlatformRowLevelSecurity },
  { name: "0053_cached_lookup_plans", create: () => m0053CachedLookupPlans },
];

export const LEGACY_HEAD = "0033_reporting_indexes";
