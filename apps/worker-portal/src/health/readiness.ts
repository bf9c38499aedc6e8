import { MIGRATION_NAMES } from "@cleanops/db";
import type { ReadinessCheck } from "@cleanops/http";
import type { MikroORM } from "@mikro-orm/postgresql";

/**
 * Every job, checklist and photo record lives in the database: worker-portal is ready when it answers and every
 * migration this code knows is applied (through the ORM's own pool instead of a second one).
 */
export function workerPortalReadiness(orm: MikroORM): ReadinessCheck {
  const table = orm.config.get("migrations").tableName ?? "mikro_orm_migrations";
  return async () => {
    let applied: Set<string>;
    try {
      const conn = orm.em.getConnection();
      const [exists] = await conn.execute<{ t: string | null }[]>("select to_regclass(?) as t", [table]);
      applied =
        exists?.t == null ? new Set() : new Set((await conn.execute<{ name: string }[]>(`select name from ${table}`)).map((r) => r.name));
    } catch {
      return { ready: false, database: "down", pendingMigrations: [] };
    }
    const pendingMigrations = MIGRATION_NAMES.filter((n) => !applied.has(n));
    return { ready: pendingMigrations.length === 0, database: "up", pendingMigrations };
  };
}
