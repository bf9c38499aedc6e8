import pg from "pg";

export type CatalogSnapshot = {
  columns: Record<string, { name: string; type: string; notNull: boolean; default: string | null }[]>;
  constraints: Record<string, Record<string, string>>;
  indexes: Record<string, Record<string, string>>;
  triggers: Record<string, string[]>;
  policies: Record<string, Record<string, string>>;
  /** Row security flags and privileges (NULL ACL spelled out as the owner's default, so revoke-all round trips compare equal). */
  access: Record<string, { rls: boolean; forceRls: boolean; acl: string }>;
  /** Privileges of the sequences. */
  sequences: Record<string, { acl: string }>;
  /** Each function by signature: an MD5 of its definition and its privileges (e.g. no EXECUTE for PUBLIC). */
  functions: Record<string, { definition: string; acl: string }>;
  /** Privileges on the schema itself (the app role's USAGE). */
  schema: { acl: string };
};

/**
 * An ACL as text, sorted, with the object owner's name spelled `OWNER` (as grantee and grantor): a restore by another
 * login owns the objects under its own name, and what matters is who else holds which privilege.
 */
function aclText(items: readonly string[], owner: string): string {
  return items
    .map((item) => {
      const match = /^(.*?)=([^/]*)\/(.*)$/.exec(item);
      if (!match) return item;
      const [, grantee = "", privileges = "", grantor = ""] = match;
      const name = (role: string) => (role === owner || role === `"${owner}"` ? "OWNER" : role);
      return `${grantee === "" ? "" : name(grantee)}=${privileges}/${name(grantor)}`;
    })
    .sort()
    .join(",");
}

const IGNORED = new Set(["mikro_orm_migrations", "cleanops_migration_journal"]);

/** The schema as PostgreSQL's catalogs see it, for before/after comparisons of migrations. */
export async function snapshotCatalog(client: pg.ClientBase): Promise<CatalogSnapshot> {
  const snap: CatalogSnapshot = {
    columns: {},
    constraints: {},
    indexes: {},
    triggers: {},
    policies: {},
    access: {},
    sequences: {},
    functions: {},
    schema: { acl: "" },
  };
  const cols = await client.query<{ table: string; name: string; type: string; notnull: boolean; def: string | null }>(
    `SELECT c.relname AS table, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
            a.attnotnull AS notnull, pg_get_expr(d.adbin, d.adrelid) AS def
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid AND c.relkind = 'r'
       JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attnum > 0 AND NOT a.attisdropped
      ORDER BY c.relname, a.attnum`,
  );
  for (const r of cols.rows) {
    if (IGNORED.has(r.table)) continue;
    (snap.columns[r.table] ??= []).push({ name: r.name, type: r.type, notNull: r.notnull, default: r.def });
  }
  const cons = await client.query<{ table: string; name: string; def: string }>(
    `SELECT c.relname AS table, k.conname AS name, pg_get_constraintdef(k.oid) AS def
       FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
      ORDER BY 1, 2`,
  );
  for (const r of cons.rows) if (!IGNORED.has(r.table)) (snap.constraints[r.table] ??= {})[r.name] = r.def;
  const idx = await client.query<{ table: string; name: string; def: string; valid: boolean }>(
    `SELECT tablename AS table, indexname AS name, indexdef AS def FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2`,
  );
  for (const r of idx.rows) if (!IGNORED.has(r.table)) (snap.indexes[r.table] ??= {})[r.name] = r.def;
  const trg = await client.query<{ table: string; name: string }>(
    `SELECT c.relname AS table, t.tgname AS name FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
      WHERE NOT t.tgisinternal ORDER BY 1, 2`,
  );
  for (const r of trg.rows) (snap.triggers[r.table] ??= []).push(r.name);
  const pol = await client.query<{ table: string; name: string; def: string }>(
    `SELECT tablename AS table, policyname AS name,
            concat_ws(' | ', permissive, cmd, roles::text, qual, with_check) AS def
       FROM pg_policies WHERE schemaname = 'public' ORDER BY 1, 2`,
  );
  for (const r of pol.rows) (snap.policies[r.table] ??= {})[r.name] = r.def;
  const acc = await client.query<{ table: string; kind: string; rls: boolean; force: boolean; acl: string[]; owner: string }>(
    `SELECT c.relname AS table, c.relkind AS kind, c.relrowsecurity AS rls, c.relforcerowsecurity AS force,
            coalesce(c.relacl, acldefault((CASE c.relkind WHEN 'S' THEN 's' ELSE 'r' END)::"char", c.relowner))::text[] AS acl,
            pg_get_userbyid(c.relowner) AS owner
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
      WHERE c.relkind IN ('r', 'S') ORDER BY 1`,
  );
  for (const r of acc.rows) {
    if (IGNORED.has(r.table)) continue;
    if (r.kind === "S") snap.sequences[r.table] = { acl: aclText(r.acl, r.owner) };
    else snap.access[r.table] = { rls: r.rls, forceRls: r.force, acl: aclText(r.acl, r.owner) };
  }
  const fns = await client.query<{ signature: string; definition: string; acl: string[]; owner: string }>(
    `SELECT p.oid::regprocedure::text AS signature, md5(pg_get_functiondef(p.oid)) AS definition,
            coalesce(p.proacl, acldefault('f', p.proowner))::text[] AS acl, pg_get_userbyid(p.proowner) AS owner
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace AND n.nspname = 'public'
      WHERE p.prokind IN ('f', 'p') ORDER BY 1`,
  );
  for (const r of fns.rows) snap.functions[r.signature] = { definition: r.definition, acl: aclText(r.acl, r.owner) };
  const schema = await client.query<{ acl: string[]; owner: string }>(
    `SELECT coalesce(nspacl, acldefault('n', nspowner))::text[] AS acl, pg_get_userbyid(nspowner) AS owner
       FROM pg_namespace WHERE nspname = 'public'`,
  );
  const publicSchema = schema.rows[0];
  if (publicSchema) snap.schema = { acl: aclText(publicSchema.acl, publicSchema.owner) };
  return snap;
}

export type TableChecksum = { rows: number; checksum: string };

/**
 * Row count and an order-independent digest of the given columns of each table. `expressions` replaces a column
 * by an SQL expression (e.g. a UUID org key mapped back to its legacy integer).
 */
export async function checksumTables(
  client: pg.ClientBase,
  columnsByTable: Record<string, readonly string[]>,
  expressions: Record<string, Record<string, string>> = {},
): Promise<Record<string, TableChecksum>> {
  const out: Record<string, TableChecksum> = {};
  for (const [table, columns] of Object.entries(columnsByTable)) {
    const exprs = columns.map((c) => expressions[table]?.[c] ?? `t.${c}`);
    const row = `row(${exprs.join(", ")})::text`;
    const res = await client.query<{ n: number; digest: string | null }>(
      `SELECT count(*)::int AS n, md5(string_agg(md5(${row}), '' ORDER BY md5(${row}))) AS digest FROM ${table} t`,
    );
    out[table] = { rows: res.rows[0]?.n ?? 0, checksum: res.rows[0]?.digest ?? "" };
  }
  return out;
}

/**
 * Every table of the schema with its row count and an order-independent digest of its whole rows (each row as text,
 * in a session whose time zone and formats are pinned so that the same data gives the same digest on any server).
 */
export async function checksumAllTables(client: pg.ClientBase): Promise<Record<string, TableChecksum>> {
  const tables = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 1`,
  );
  await client.query("BEGIN READ ONLY");
  try {
    for (const setting of ["TimeZone TO 'UTC'", "DateStyle TO 'ISO, YMD'", "IntervalStyle TO 'postgres'", "extra_float_digits TO 3"]) {
      await client.query(`SET LOCAL ${setting}`);
    }
    const out: Record<string, TableChecksum> = {};
    for (const { name } of tables.rows) {
      const res = await client.query<{ n: number; digest: string | null }>(
        `SELECT count(*)::int AS n, md5(string_agg(md5(t::text), '' ORDER BY md5(t::text))) AS digest FROM ${pg.escapeIdentifier(name)} t`,
      );
      out[name] = { rows: res.rows[0]?.n ?? 0, checksum: res.rows[0]?.digest ?? "" };
    }
    return out;
  } finally {
    await client.query("COMMIT");
  }
}

/** Every difference between two JSON-like values, one line each, named by its path (`access.invoices.acl: …`). */
export function describeDifferences(expected: unknown, actual: unknown, path = ""): string[] {
  const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;
  if (isRecord(expected) && isRecord(actual) && Array.isArray(expected) === Array.isArray(actual)) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
    return keys.flatMap((key) => {
      const at = path === "" ? key : `${path}.${key}`;
      if (!(key in actual)) return [`${at}: missing (expected ${JSON.stringify(expected[key])})`];
      if (!(key in expected)) return [`${at}: unexpected ${JSON.stringify(actual[key])}`];
      return describeDifferences(expected[key], actual[key], at);
    });
  }
  return JSON.stringify(expected) === JSON.stringify(actual)
    ? []
    : [`${path}: expected ${JSON.stringify(expected)}, found ${JSON.stringify(actual)}`];
}
