import { RESOLVE_INVOICE_PUBLIC_TOKEN_BODY } from "./0039-public-invoice-token-lookup.ts";
import { PLATFORM_FUNCTIONS } from "./0052-platform-row-level-security.ts";
import { sqlMigration } from "./sql-migration.ts";

type Lookup = { signature: string; returns: string; body: string };

const membership = PLATFORM_FUNCTIONS.find((f) => f.signature.startsWith("find_live_membership("));
if (!membership) throw new Error("0053: find_live_membership is not among 0052's functions");

/**
 * The two cross-org lookups of every request (the live membership of each signed-in admin-api request, 0052; a
 * public invoice link's token, 0039). A SQL-language SECURITY DEFINER function is never inlined, and PostgreSQL plans
 * its body on every call: `pnpm bench` measured 0.34–0.47 ms of database time per membership check against 0.06 ms
 * for the booking it guards. PL/pgSQL keeps the plan of its `RETURN QUERY` per connection. Same question, same
 * answer, same owner, grants and pinned search_path (CREATE OR REPLACE keeps them); only the language changes.
 */
export const CACHED_PLAN_LOOKUPS: readonly Lookup[] = [
  membership,
  {
    signature: "resolve_invoice_public_token(p_token_hash text)",
    returns: "TABLE (org_id uuid, invoice_id uuid)",
    body: RESOLVE_INVOICE_PUBLIC_TOKEN_BODY,
  },
];

const define = (f: Lookup, language: "plpgsql" | "sql") =>
  `CREATE OR REPLACE FUNCTION ${f.signature}
      RETURNS ${f.returns}
      LANGUAGE ${language} STABLE SECURITY DEFINER
      SET search_path = pg_catalog, public
      AS $$
        ${language === "plpgsql" ? `BEGIN RETURN QUERY ${f.body}; END` : f.body}
      $$`;

export const m0053CachedLookupPlans = sqlMigration({
  up: CACHED_PLAN_LOOKUPS.map((f) => define(f, "plpgsql")),
  down: CACHED_PLAN_LOOKUPS.map((f) => define(f, "sql")),
});
