import pg from "pg";
import type { Logger } from "../logger.ts";
import { ORG_SCOPED_REFERENCES } from "./0036-org-scoped-references.ts";
import { readInProgress, pgSql } from "./migration-journal.ts";
import { MIGRATION_NAMES, MIGRATIONS_TABLE, resolveMigrationName } from "./names.ts";
import { DEFAULT_ORG_ID, TENANT_TABLES } from "./tenant-tables.ts";
import { expectedShape } from "./verify.ts";

/** One thing that would make a pending migration fail or do the wrong thing, with what the operator should do. */
export type PreflightProblem = {
  check: "orphans" | "cross-org reference" | "duplicates" | "index name" | "in the way" | "dependency" | "nulls" | "default org";
  table: string;
  key: string;
  /** How many rows (0 when the problem is an object, not rows). */
  rows: number;
  /** A few offending rows, as text. */
  examples: string[];
  fix: string;
};

export type PreflightResult = {
  pending: string[];
  problems: PreflightProblem[];
  /** What will happen that the operator should know (e.g. which company becomes the Default org). */
  notes: string[];
  /** The legacy organization id that 0034 makes the Default org (undefined: 0034 not pending, or no organization). */
  defaultOrgFrom: number | undefined;
};

const M0034 = "0034_org_id_uuid_and_default_org";
const M0035 = "0035_add_org_id_to_core_tables";
const M0036 = "0036_org_scoped_references";

type Q = <R extends pg.QueryResultRow>(sql: string, params?: unknown[]) => Promise<R[]>;

async function tableExists(q: Q, name: string): Promise<boolean> {
  const [r] = await q<{ ok: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS ok`, [name]);
  return r?.ok === true;
}

async function hasColumn(q: Q, table: string, column: string): Promise<boolean> {
  const [r] = await q<{ ok: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = $2 AND NOT attisdropped) AS ok`,
    [table, column],
  );
  return r?.ok === true;
}

/** 0034: the organizations table, what depends on its key, the tables it creates, and which company becomes Default. */
async function check0034(
  q: Q,
  defaultOrgFrom: number | undefined,
  problems: PreflightProblem[],
  notes: string[],
): Promise<number | undefined> {
  for (const t of ["users", "memberships", "tenancy_migration_state"]) {
    if (await tableExists(q, t)) {
      problems.push({
        check: "in the way",
        table: t,
        key: "table",
        rows: 0,
        examples: [],
        fix: `0034 creates the table ${t}: rename the existing one (ALTER TABLE ${t} RENAME TO legacy_${t}) or drop it`,
      });
    }
  }
  const known = [
    "organizations_pkey",
    "organization_billing_pkey",
    "organization_billing_org_id_fkey",
    "organization_usage_events_org_id_fkey",
  ];
  const fks = await q<{ table: string; name: string }>(
    `SELECT conrelid::regclass::text AS table, conname AS name FROM pg_constraint
      WHERE confrelid IN (to_regclass('organizations'), to_regclass('organization_billing')) AND contype = 'f' AND NOT (conname = ANY ($1))
      ORDER BY 1, 2`,
    [known],
  );
  for (const f of fks) {
    problems.push({
      check: "dependency",
      table: f.table,
      key: f.name,
      rows: 0,
      examples: [],
      fix: `this foreign key depends on organizations.org_id, which 0034 turns into a uuid: drop it before migrating (ALTER TABLE ${f.table} DROP CONSTRAINT ${f.name}) and recreate it on the uuid key after`,
    });
  }
  const views = await q<{ view: string; table: string }>(
    `SELECT DISTINCT v.oid::regclass::text AS view, d.refobjid::regclass::text AS table
       FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid JOIN pg_class v ON v.oid = r.ev_class
       JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid AND a.attname = 'org_id'
      WHERE d.refobjid IN (to_regclass('organizations'), to_regclass('organization_billing'), to_regclass('organization_usage_events'))
        AND v.oid <> d.refobjid ORDER BY 1`,
  );
  for (const v of views) {
    problems.push({
      check: "dependency",
      table: v.view,
      key: `${v.table}.org_id`,
      rows: 0,
      examples: [],
      fix: `the view ${v.view} reads ${v.table}.org_id, whose type 0034 changes: save its definition (SELECT pg_get_viewdef('${v.view}')), drop it, and recreate it after migrating`,
    });
  }
  const orgs = await q<{ org_id: number; name: string; slug: string; plan: string | null }>(
    `SELECT o.org_id, o.name, o.slug, b.plan FROM organizations o LEFT JOIN organization_billing b ON b.org_id = o.org_id ORDER BY o.org_id`,
  );
  const describe = (o: { org_id: number; name: string; slug: string; plan: string | null }) =>
    `${o.org_id} "${o.name}" (slug ${o.slug}${o.plan ? `, plan ${o.plan}` : ""})`;
  if (defaultOrgFrom !== undefined) {
    const chosen = orgs.find((o) => o.org_id === defaultOrgFrom);
    if (!chosen) {
      problems.push({
        check: "default org",
        table: "organizations",
        key: "org_id",
        rows: orgs.length,
        examples: orgs.slice(0, 5).map(describe),
        fix: `--default-org-from ${defaultOrgFrom} names no organization: pass one of the ids listed`,
      });
      return undefined;
    }
  } else if (orgs.length > 1) {
    problems.push({
      check: "default org",
      table: "organizations",
      key: "org_id",
      rows: orgs.length,
      examples: orgs.slice(0, 5).map(describe),
      fix:
        "several legacy organizations: name the one that becomes the Default org (it keeps every booking, client and invoice) " +
        "with --default-org-from ID; the others stay as organizations of their own, with their billing and usage and no business data",
    });
    return undefined;
  }
  const from = defaultOrgFrom ?? orgs[0]?.org_id;
  const chosen = orgs.find((o) => o.org_id === from);
  if (chosen) {
    notes.push(
      `Default org: the legacy organization ${describe(chosen)} becomes ${DEFAULT_ORG_ID}, keeping its name, slug, plan and usage; every business row belongs to it.`,
    );
    const others = orgs.filter((o) => o !== chosen);
    if (others.length > 0) {
      notes.push(
        `The other organizations (${others.map((o) => o.org_id).join(", ")}) stay organizations of their own, with their billing and usage and no business data.`,
      );
    }
  } else {
    notes.push(`Default org: no legacy organization; 0034 creates a blank Default org ${DEFAULT_ORG_ID}.`);
  }
  return from;
}

/** 0035: an org_id column already there, duplicates under the per-org keys, indexes that took the legacy names. */
async function check0035(q: Q, problems: PreflightProblem[]): Promise<void> {
  for (const t of TENANT_TABLES) {
    if (!(await tableExists(q, t.name))) continue;
    if (await hasColumn(q, t.name, "org_id")) {
      problems.push({
        check: "in the way",
        table: t.name,
        key: "org_id",
        rows: 0,
        examples: [],
        fix: `0035 adds the column ${t.name}.org_id: rename the existing one (ALTER TABLE ${t.name} RENAME COLUMN org_id TO legacy_org_id) or drop it`,
      });
    }
    for (const u of t.perOrgUnique) {
      const cols = u.columns.join(", ");
      const dups = await q<{ k: string; n: number }>(
        `SELECT row(${cols})::text AS k, count(*)::int AS n FROM ${t.name}
          WHERE ${u.columns.map((c) => `${c} IS NOT NULL`).join(" AND ")} GROUP BY ${cols} HAVING count(*) > 1 ORDER BY 2 DESC, 1 LIMIT 5`,
      );
      if (dups.length > 0) {
        const [total] = await q<{ n: number }>(
          `SELECT count(*)::int AS n FROM (SELECT 1 FROM ${t.name} WHERE ${u.columns.map((c) => `${c} IS NOT NULL`).join(" AND ")}
             GROUP BY ${cols} HAVING count(*) > 1) d`,
        );
        problems.push({
          check: "duplicates",
          table: t.name,
          key: `(${cols})`,
          rows: total?.n ?? dups.length,
          examples: dups.map((d) => `${d.k} ×${d.n}`),
          fix: `0035 makes (org_id, ${cols}) unique and every row goes to the Default org: merge or rename the duplicates first`,
        });
      }
      const [idx] = await q<{ def: string; constraint: boolean }>(
        `SELECT pg_get_indexdef(c.oid) AS def, EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid AND k.conname = c.relname) AS constraint
           FROM pg_class c WHERE c.relname = $1 AND c.relkind = 'i' AND c.relnamespace = current_schema()::regnamespace`,
        [u.legacyName],
      );
      if (idx && !idx.constraint) {
        problems.push({
          check: "index name",
          table: t.name,
          key: u.legacyName,
          rows: 0,
          examples: [idx.def],
          fix:
            `an index (not the legacy unique constraint) has the name ${u.legacyName}, which 0035 and its rollback manage: ` +
            `rename it (ALTER INDEX ${u.legacyName} RENAME TO ${t.name}_${u.columns.join("_")}_operator_idx); an install-wide unique index would also keep ${cols} unique across organizations`,
        });
      }
    }
  }
}

/** 0036: rows whose legacy reference points at nothing (loaded with triggers off), or at another org's row. */
async function check0036(q: Q, problems: PreflightProblem[]): Promise<void> {
  for (const r of ORG_SCOPED_REFERENCES) {
    if (!(await tableExists(q, r.table)) || !(await tableExists(q, r.parent))) continue;
    const orphans = await q<{ id: string; ref: string }>(
      `SELECT c.id::text AS id, c.${r.column}::text AS ref FROM ${r.table} c
        WHERE c.${r.column} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${r.parent} p WHERE p.id = c.${r.column}) ORDER BY 1 LIMIT 3`,
    );
    if (orphans.length > 0) {
      const [n] = await q<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${r.table} c WHERE c.${r.column} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${r.parent} p WHERE p.id = c.${r.column})`,
      );
      problems.push({
        check: "orphans",
        table: r.table,
        key: `${r.column} → ${r.parent}.id`,
        rows: n?.n ?? orphans.length,
        examples: orphans.map((o) => `id=${o.id} ${r.column}=${o.ref}`),
        fix:
          r.onDelete === "SET NULL"
            ? `set ${r.column} to NULL on these rows, or restore the missing ${r.parent} rows`
            : `restore the missing ${r.parent} rows, or delete these ${r.table} rows`,
      });
    }
    if ((await hasColumn(q, r.table, "org_id")) && (await hasColumn(q, r.parent, "org_id"))) {
      const cross = await q<{ id: string; ref: string }>(
        `SELECT c.id::text AS id, c.${r.column}::text AS ref FROM ${r.table} c JOIN ${r.parent} p ON p.id = c.${r.column}
          WHERE p.org_id <> c.org_id ORDER BY 1 LIMIT 3`,
      );
      if (cross.length > 0) {
        problems.push({
          check: "cross-org reference",
          table: r.table,
          key: `${r.column} → ${r.parent}.id`,
          rows: cross.length,
          examples: cross.map((o) => `id=${o.id} ${r.column}=${o.ref}`),
          fix: `these rows point at another organization's ${r.parent}: fix the reference or the row's org_id`,
        });
      }
    }
  }
}

/** Columns the schema of this version declares NOT NULL (what the entities require) that an operator made nullable and filled with NULLs. */
async function checkNulls(q: Q, url: string, version: string | undefined, logger: Logger, problems: PreflightProblem[]): Promise<void> {
  const expected = await expectedShape(url, version, logger);
  const live = await q<{ table: string; column: string }>(
    `SELECT c.relname AS table, a.attname AS column FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid AND c.relkind = 'r'
       JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
      WHERE a.attnum > 0 AND NOT a.attisdropped AND NOT a.attnotnull ORDER BY 1, 2`,
  );
  for (const { table, column } of live) {
    const declared = expected.columns[table]?.find((c) => c.name === column);
    if (!declared?.notNull) continue;
    const rows = await q<{ id: string }>(
      `SELECT ${(await hasColumn(q, table, "id")) ? "id::text" : "ctid::text"} AS id FROM ${table} WHERE ${column} IS NULL LIMIT 3`,
    );
    if (rows.length === 0) continue;
    const [n] = await q<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${column} IS NULL`);
    problems.push({
      check: "nulls",
      table,
      key: column,
      rows: n?.n ?? rows.length,
      examples: rows.map((r) => `id=${r.id}`),
      fix: `${table}.${column} is required (NOT NULL in the schema, required by the application): fill these rows, then ALTER TABLE ${table} ALTER COLUMN ${column} SET NOT NULL`,
    });
  }
}

/**
 * Reads (never changes) the database and lists every problem that would make the pending migrations up to `to` fail
 * half-way or do the wrong thing, all at once.
 */
export async function runPreflight(
  connectionString: string,
  opts: { to?: string | undefined; defaultOrgFrom?: number | undefined; logger: Logger },
): Promise<PreflightResult> {
  const client = new pg.Client({ connectionString, application_name: "cleanops-preflight" });
  await client.connect();
  const q: Q = async <R extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => (await client.query<R>(sql, params)).rows;
  try {
    const applied = (await tableExists(q, MIGRATIONS_TABLE))
      ? (await q<{ name: string }>(`SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY id`)).map((r) => r.name)
      : [];
    const last = opts.to === undefined ? MIGRATION_NAMES.length - 1 : MIGRATION_NAMES.indexOf(resolveMigrationName(opts.to));
    const pending = MIGRATION_NAMES.slice(0, last + 1).filter((n) => !applied.includes(n));
    // An interrupted migration's own half-state is not a problem: the run finishes or reverses it first.
    const interrupted = (await readInProgress(pgSql(client)))?.name;
    const will = (name: string) => pending.includes(name) && name !== interrupted;
    const problems: PreflightProblem[] = [];
    const notes: string[] = [];
    let defaultOrgFrom: number | undefined;
    if (applied.length === 0) return { pending, problems, notes, defaultOrgFrom };
    if (will(M0034) && (await tableExists(q, "organizations"))) defaultOrgFrom = await check0034(q, opts.defaultOrgFrom, problems, notes);
    if (will(M0035)) await check0035(q, problems);
    if (pending.includes(M0036)) await check0036(q, problems);
    if (pending.length > 0) await checkNulls(q, connectionString, applied.at(-1), opts.logger, problems);
    return { pending, problems, notes, defaultOrgFrom };
  } finally {
    await client.end();
  }
}

/** The problems as the operator reads them: one block per problem. */
export function formatPreflightProblems(problems: readonly PreflightProblem[]): string[] {
  return problems.flatMap((p) => [
    `[${p.check}] ${p.table} ${p.key}${p.rows > 0 ? `: ${p.rows} row(s)` : ""}`,
    ...p.examples.map((e) => `    ${e}`),
    `    → ${p.fix}`,
  ]);
}
