import { sqlMigration } from "./sql-migration.ts";
import { APP_ROLE } from "../tenancy/database-roles.ts";

/** The lookup's one statement (0053 keeps it, in PL/pgSQL). */
export const RESOLVE_INVOICE_PUBLIC_TOKEN_BODY = `SELECT t.org_id, t.invoice_id FROM public.invoice_public_tokens t
         WHERE t.token_hash = p_token_hash AND t.revoked_at IS NULL AND t.expires_at > now()`;

/**
 * PLATFORM ESCAPE HATCH for public invoice links: a customer's link carries a token, not an org, so the lookup must
 * see every org's tokens. This one function (SECURITY DEFINER, owned by the migrating owner) answers exactly one
 * question — which org and invoice a live token hash belongs to — and the app role may call nothing else across orgs.
 * Everything after the lookup runs scoped to the org it returned.
 */
export const m0039PublicInvoiceTokenLookup = sqlMigration({
  up: [
    `CREATE FUNCTION resolve_invoice_public_token(p_token_hash text)
      RETURNS TABLE (org_id uuid, invoice_id uuid)
      LANGUAGE sql STABLE SECURITY DEFINER
      SET search_path = pg_catalog, public
      AS $$
        ${RESOLVE_INVOICE_PUBLIC_TOKEN_BODY}
      $$`,
    `REVOKE ALL ON FUNCTION resolve_invoice_public_token(text) FROM PUBLIC`,
    `GRANT EXECUTE ON FUNCTION resolve_invoice_public_token(text) TO ${APP_ROLE}`,
  ],
  down: [`DROP FUNCTION resolve_invoice_public_token(text)`],
});
