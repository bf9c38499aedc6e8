import type pg from "pg";

/**
 * The migrator's own bookkeeping of migrations that run outside one transaction (0035, 0036): a row says "this
 * migration was started in this direction and has not finished". MikroORM only records a migration once it is done,
 * so without this row an interruption part-way leaves a half-state that nothing reports. Not a business table: the
 * catalog snapshot and the ORM's schema generator skip it.
 */
export const JOURNAL_TABLE = "cleanops_migration_journal";

export type Direction = "up" | "down";
export type InProgress = { name: string; direction: Direction; startedAt: Date };

type Sql = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

export function pgSql(client: pg.ClientBase): Sql {
  return async (sql, params = []) => (await client.query(sql, params)).rows as Record<string, unknown>[];
}

export async function ensureJournal(sql: Sql): Promise<void> {
  await sql(`CREATE TABLE IF NOT EXISTS ${JOURNAL_TABLE} (
    name text PRIMARY KEY,
    direction text NOT NULL CHECK (direction IN ('up', 'down')),
    started_at timestamptz NOT NULL DEFAULT now()
  )`);
}

/** The unfinished migration, if any (at most one: a run refuses other work while one is recorded). */
export async function readInProgress(sql: Sql): Promise<InProgress | undefined> {
  const [exists] = await sql(`SELECT to_regclass($1) IS NOT NULL AS ok`, [JOURNAL_TABLE]);
  if (exists?.ok !== true) return undefined;
  const [row] = await sql(`SELECT name, direction, started_at FROM ${JOURNAL_TABLE} ORDER BY started_at LIMIT 1`);
  if (!row) return undefined;
  return { name: String(row.name), direction: row.direction === "down" ? "down" : "up", startedAt: new Date(String(row.started_at)) };
}

export async function markInProgress(sql: Sql, name: string, direction: Direction): Promise<void> {
  await sql(
    `INSERT INTO ${JOURNAL_TABLE} (name, direction) VALUES ($1, $2)
     ON CONFLICT (name) DO UPDATE SET direction = EXCLUDED.direction, started_at = now()`,
    [name, direction],
  );
}

export async function clearInProgress(sql: Sql, name: string): Promise<void> {
  await sql(`DELETE FROM ${JOURNAL_TABLE} WHERE name = $1`, [name]);
}

export const describeDirection = (d: Direction) => (d === "up" ? "being applied" : "being rolled back");
