import type pg from "pg";

export type CatalogSnapshot = {
  columns: Record<string, { name: string; type: string; notNull: boolean; default: string | null }[]>;
  constraints: Record<string, Record<string, string>>;
  indexes: Record<string, Record<string, string>>;
  triggers: Record<string, string[]>;
  policies: Record<string, Record<string, string>>;
  /** Row security flags and privileges (NULL ACL spelled out as the owner's default, so revoke-all round trips compare equal). */
  access: Record<string, { rls: boolean; forceRls: boolean; acl: string }>;
};

const IGNORED = new Set(["mikro_orm_migrations"]);

/** The schema as PostgreSQL's catalogs see it, for before/after comparisons of migrations. */
export async function snapshotCatalog(client: pg.ClientBase): Promise<CatalogSnapshot> {
  const snap: CatalogSnapshot = { columns: {}, constraints: {}, indexes: {}, triggers: {}, policies: {}, access: {} };
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
  const acc = await client.query<{ table: string; rls: boolean; force: boolean; acl: string }>(
    `SELECT c.relname AS table, c.relrowsecurity AS rls, c.relforcerowsecurity AS force,
            array_to_string(ARRAY(SELECT unnest(coalesce(c.relacl, acldefault('r', c.relowner)))::text ORDER BY 1), ',') AS acl
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
      WHERE c.relkind = 'r' ORDER BY 1`,
  );
  for (const r of acc.rows) if (!IGNORED.has(r.table)) snap.access[r.table] = { rls: r.rls, forceRls: r.force, acl: r.acl };
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
