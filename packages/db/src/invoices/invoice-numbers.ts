import type { EntityManager } from "@mikro-orm/postgresql";
import { TenantError } from "../tenancy/tenant-errors.ts";
import { TENANT_FILTER } from "../tenancy/tenant-filter.ts";

/**
 * The next invoice number of the em's org for `prefix`, e.g. `INV-000042`. The row lock of the UPDATE serialises
 * concurrent allocations within one org (other orgs have their own rows and never wait), and the number is taken
 * inside the caller's transaction: if the invoice is not saved, the number is not spent, so numbers have no gaps.
 */
export async function allocateInvoiceNumber(em: EntityManager, prefix = "INV"): Promise<string> {
  const orgId = em.getFilterParams<{ orgId?: string }>(TENANT_FILTER)?.orgId;
  if (!orgId) throw new TenantError("tenant_context_missing", "Invoice numbers are allocated within an org: use withOrg()");
  if (!em.isInTransaction()) throw new Error("allocateInvoiceNumber must run inside the invoice's transaction");
  const rows = await em.execute<{ n: number }[]>(
    `UPDATE invoice_number_sequences SET next_value = next_value + 1, updated_at = now()
      WHERE org_id = ? AND prefix = ? RETURNING next_value - 1 AS n`,
    [orgId, prefix],
  );
  const n = rows[0]?.n;
  if (n === undefined) throw new Error(`No invoice number sequence "${prefix}" for this organization`);
  return `${prefix}-${String(n).padStart(6, "0")}`;
}
