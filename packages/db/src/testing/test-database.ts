import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { withDatabaseName } from "../postgres/pool.ts";
import "./provided-context.ts";

export type TestDatabase = {
  name: string;
  /** Owner connection string of this file's own database. */
  url: string;
  drop(): Promise<void>;
};

/** Fixed key of the lock that serializes template clones (used for nothing else). */
const TEMPLATE_CLONE_LOCK_KEY = 7_316_024_100;

/** A fresh database for one test file, cloned from a template migrated once per run (immich-style). */
export async function createTestDatabase(from: "head" | "legacy" | "empty" = "head"): Promise<TestDatabase> {
  const serverUrl = inject("pgServerUrl");
  const template = inject("pgTemplates")[from];
  const name = `t_${inject("pgRunId")}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: withDatabaseName(serverUrl, "postgres") });
  await admin.connect();
  try {
    // Two clones of one template at once fail (55006, the template "is being accessed by other users"). Rather than
    // retry after a guessed pause, the clones of all test files queue on one advisory lock (every admin session is in
    // the "postgres" database, where the lock lives) and each runs alone. The session's end releases it too.
    await admin.query(`SELECT pg_advisory_lock($1::bigint)`, [TEMPLATE_CLONE_LOCK_KEY]);
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
    await admin.query(`SELECT pg_advisory_unlock($1::bigint)`, [TEMPLATE_CLONE_LOCK_KEY]);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: withDatabaseName(serverUrl, name),
    async drop() {
      const c = new pg.Client({ connectionString: withDatabaseName(serverUrl, "postgres") });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
