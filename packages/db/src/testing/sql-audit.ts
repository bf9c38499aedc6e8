import { TENANT_TABLES } from "../migrations/tenant-tables.ts";

/** A comment a test puts in a statement it sends unscoped on purpose, to show the database refuses it. */
export const UNSCOPED_ON_PURPOSE = "/* tenant-audit: unscoped on purpose */";

/**
 * The short list of statements on tenant tables that may lack an org_id predicate, and why.
 * Anything else sent as the application role without org_id fails the test run.
 */
export const SQL_AUDIT_ALLOW: readonly { pattern: RegExp; why: string }[] = [
  {
    pattern: /^(update|delete from) "[a-z_]+" (as "[a-z0-9_]+" )?set .* where "id" (=|in) |^delete from "[a-z_]+" where "id" (=|in) /,
    why: "unit-of-work writes by primary key of entities the TenantGuard checked were loaded in this org (RLS re-checks)",
  },
];

const tenantTable = new RegExp(`\\b(from|join|update|into)\\s+"?(${TENANT_TABLES.map((t) => t.name).join("|")})"?\\b`, "i");

// `org_id = …` / `org_id in (…)` in a WHERE or JOIN, or org_id among the columns an INSERT writes.
const ORG_PREDICATE = /\borg_id"?\s*(=|in\s*\()/i;
const INSERT_WITH_ORG = /^insert into\s+"?\w+"?\s*(as\s+"?\w+"?\s*)?\([^)]*\borg_id\b/i;

export type RecordedStatement = { sql: string; test: string };

/** The recorded statements on tenant tables that carry no org_id predicate (nor an allow-list match or marker). */
export function auditStatements(statements: readonly RecordedStatement[]): { checked: number; findings: RecordedStatement[] } {
  const findings: RecordedStatement[] = [];
  let checked = 0;
  for (const { sql, test } of statements) {
    const flat = sql.replace(/\s+/g, " ").trim();
    if (!tenantTable.test(flat)) continue;
    checked++;
    if (ORG_PREDICATE.test(flat) || INSERT_WITH_ORG.test(flat) || flat.includes(UNSCOPED_ON_PURPOSE)) continue;
    if (SQL_AUDIT_ALLOW.some((a) => a.pattern.test(flat.toLowerCase()))) continue;
    findings.push({ sql: flat, test });
  }
  return { checked, findings };
}
