import { setTimeout as delay } from "node:timers/promises";
import pg from "pg";

/**
 * Key of the session-level advisory lock every migration run holds on its database (any fixed bigint would do; this
 * one spells nothing and is used for nothing else). Two runs at once would read the same pending list and apply a
 * migration twice, or a rollback would revert under a migrate.
 */
export const MIGRATION_LOCK_KEY = 7_316_024_001;

export type MigrationLockOptions = {
  /** false: give up at once (MigrationLockBusyError) when another run holds the lock. */
  wait: boolean;
  /** Called once, before waiting, with the backend pid of the holder when PostgreSQL still shows it. */
  onWaiting?: (holderPid: number | undefined) => void;
  /** How often a waiting run tries the lock again (ms). */
  pollMs?: number;
  /** Called when a migration step waits for a table lock another session holds, naming that session. */
  onBlocked?: (message: string) => void;
};

export class MigrationLockBusyError extends Error {
  readonly holderPid: number | undefined;
  constructor(holderPid: number | undefined) {
    super(`Another migrator${holderPid === undefined ? "" : ` (PostgreSQL backend pid ${holderPid})`} is running on this database`);
    this.name = "MigrationLockBusyError";
    this.holderPid = holderPid;
  }
}

export type MigrationLock = { release(): Promise<void> };

async function holderPid(client: pg.Client): Promise<number | undefined> {
  // A bigint key shows in pg_locks as classid (high 32 bits) / objid (low 32 bits) with objsubid 1.
  const r = await client.query<{ pid: number }>(
    `SELECT l.pid FROM pg_locks l
      WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND ((l.classid::bigint << 32) | l.objid::bigint) = $1::bigint
      LIMIT 1`,
    [MIGRATION_LOCK_KEY],
  );
  return r.rows[0]?.pid;
}

/**
 * Takes the migration lock on a connection of its own, held until `release()`: the migrations run on other
 * connections (0035 even outside transactions), so only a session-level lock on a dedicated session spans the run.
 * If this process dies, PostgreSQL ends the session and the lock goes with it.
 */
export async function acquireMigrationLock(connectionString: string, opts: MigrationLockOptions): Promise<MigrationLock> {
  const client = new pg.Client({ connectionString, application_name: "cleanops-migrator-lock" });
  await client.connect();
  const tryLock = async () =>
    (await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock($1::bigint) AS ok`, [MIGRATION_LOCK_KEY])).rows[0]?.ok === true;
  try {
    if (!(await tryLock())) {
      const pid = await holderPid(client);
      if (!opts.wait) throw new MigrationLockBusyError(pid);
      opts.onWaiting?.(pid);
      // Not a blocking pg_advisory_lock: a statement waiting on it holds a snapshot, and the holder's
      // CREATE INDEX CONCURRENTLY (0035) waits for every older snapshot to end, a deadlock PostgreSQL cannot see.
      // Short tries leave no snapshot open between them.
      while (!(await tryLock())) await delay(opts.pollMs ?? 250);
    }
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
  return {
    async release() {
      try {
        await client.query(`SELECT pg_advisory_unlock($1::bigint)`, [MIGRATION_LOCK_KEY]);
      } finally {
        await client.end();
      }
    },
  };
}
