import type pg from "pg";
import { MIGRATION_NAMES, MIGRATIONS_TABLE } from "./migrations/names.ts";

export type Readiness = {
  ready: boolean;
  database: "up" | "down";
  pendingMigrations: string[];
};

/** Ready means: the database answers and every migration this code knows is applied. */
export async function checkReadiness(pool: pg.Pool): Promise<Readiness> {
  let applied: Set<string>;
  try {
    const exists = await pool.query<{ t: string | null }>("select to_regclass($1) as t", [MIGRATIONS_TABLE]);
    if (exists.rows[0]?.t == null) {
      applied = new Set();
    } else {
      const rows = await pool.query<{ name: string }>(`select name from ${MIGRATIONS_TABLE}`);
      applied = new Set(rows.rows.map((r) => r.name));
    }
  } catch {
    return { ready: false, database: "down", pendingMigrations: [] };
  }
  const pendingMigrations = MIGRATION_NAMES.filter((n) => !applied.has(n));
  return { ready: pendingMigrations.length === 0, database: "up", pendingMigrations };
}
