/**
 * The business tables that 0035 scopes by org_id, parents before children (the order rows can be deleted in
 * reverse). Frozen with migration 0035: a later table gets its org_id in its own migration, not by editing this list.
 */
export type TenantTable = {
  name: string;
  hasStatus: boolean;
  hasCreatedAt: boolean;
  /** Install-wide unique constraints that 0035 turns into unique-per-org ones. */
  perOrgUnique: readonly { legacyName: string; columns: readonly string[] }[];
};

const t = (
  name: string,
  flags: { status?: boolean; created?: boolean } = {},
  perOrgUnique: TenantTable["perOrgUnique"] = [],
): TenantTable => ({ name, hasStatus: flags.status ?? false, hasCreatedAt: flags.created ?? false, perOrgUnique });

export const TENANT_TABLES: readonly TenantTable[] = [
  t("client_users", { created: true }),
  t("teams", { created: true }, [{ legacyName: "teams_name_key", columns: ["name"] }]),
  t("team_working_hours"),
  t("team_blackouts", { created: true }),
  t("workers", { created: true }, [{ legacyName: "workers_email_key", columns: ["email"] }]),
  t("addon_definitions", { created: true }, [{ legacyName: "addon_definitions_name_key", columns: ["name"] }]),
  t("bookings", { status: true, created: true }),
  t("order_addons", { created: true }),
  t("order_photos", { created: true }),
  t("leads", { status: true, created: true }),
  t("chat_sessions", { status: true, created: true }),
  t("invoice_number_sequences", { created: true }, [{ legacyName: "invoice_number_sequences_prefix_key", columns: ["prefix"] }]),
  t("invoices", { status: true, created: true }, [{ legacyName: "invoices_number_key", columns: ["number"] }]),
  t("invoice_items"),
  t("invoice_payments", { created: true }, [{ legacyName: "invoice_payments_provider_payment_id_key", columns: ["provider_payment_id"] }]),
  t("invoice_public_tokens", { created: true }),
  t("stripe_events", {}, [{ legacyName: "stripe_events_stripe_event_id_key", columns: ["stripe_event_id"] }]),
  t("email_events", { status: true, created: true }),
  t("referral_credits", { status: true, created: true }),
  t("document_templates", { created: true }, [{ legacyName: "document_templates_name_version_key", columns: ["name", "version"] }]),
  t("documents", { status: true, created: true }),
  t("subscriptions", { status: true, created: true }),
  t("subscription_addons"),
  t("disputes", { status: true, created: true }),
  t("financial_adjustment_events", { created: true }),
  t("admin_audit_logs", { created: true }),
  t("checklist_templates", { created: true }, [{ legacyName: "checklist_templates_name_key", columns: ["name"] }]),
  t("checklist_template_items"),
  t("checklist_runs", { status: true, created: true }),
  t("checklist_run_items"),
];

/** Tables whose rows may never change; their guard triggers must be lifted to delete an org's rows. */
export const APPEND_ONLY_TABLES = ["financial_adjustment_events", "admin_audit_logs"] as const;

export const DEFAULT_ORG_ID = "00000000-0000-0000-0000-000000000001";

export type OrgIndex = { name: string; columns: readonly string[]; unique: boolean; replaces?: string };

/** The indexes 0035 leaves on a table: each led by org_id. */
export function orgIndexesFor(table: TenantTable): OrgIndex[] {
  const out: OrgIndex[] = [];
  if (table.hasStatus) out.push({ name: `${table.name}_org_id_status_idx`, columns: ["org_id", "status"], unique: false });
  if (table.hasCreatedAt) {
    out.push({ name: `${table.name}_org_id_created_at_idx`, columns: ["org_id", "created_at"], unique: false });
  }
  for (const u of table.perOrgUnique) {
    out.push({
      name: `${table.name}_org_id_${u.columns.join("_")}_key`,
      columns: ["org_id", ...u.columns],
      unique: true,
      replaces: u.legacyName,
    });
  }
  if (out.length === 0) out.push({ name: `${table.name}_org_id_idx`, columns: ["org_id"], unique: false });
  return out;
}
