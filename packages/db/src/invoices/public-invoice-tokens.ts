import { hashToken } from "@cleanops/auth";
import type { EntityManager } from "@mikro-orm/postgresql";

export type PublicInvoiceTarget = { orgId: string; invoiceId: string };

/**
 * Which org and invoice a public link's token opens, or null for an unknown, revoked or expired token (all alike, so
 * a link's existence is not disclosed). Goes through the one cross-org function of migration 0039; the caller then
 * reads the invoice with `withOrg(orm, target.orgId, …)`.
 */
export async function resolvePublicInvoiceToken(em: EntityManager, token: string): Promise<PublicInvoiceTarget | null> {
  if (!/^[A-Za-z0-9_-]{16,512}$/.test(token)) return null;
  const rows = await em.execute<{ org_id: string; invoice_id: string }[]>(
    `SELECT org_id, invoice_id FROM resolve_invoice_public_token(?)`,
    [hashToken(token)],
  );
  const row = rows[0];
  return row ? { orgId: row.org_id, invoiceId: row.invoice_id } : null;
}
