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

/** A fresh database for one test file, cloned from a template migrated once per run (immich-style). */
export async function createTestDatabase(from: "head" | "legacy" | "empty" = "head"): Promise<TestDatabase> {
  const serverUrl = inject("pgServerUrl");
  const template = inject("pgTemplates")[from];
  const name = `t_${inject("pgRunId")}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: withDatabaseName(serverUrl, "postgres") });
  await admin.connect();
  try {
    // Concurrent clones of one template can collide on its brief lock; a short retry covers it.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
        break;
      } catch (err) {
        if (attempt >= 20 || (err as { code?: string }).code !== "55006") throw err;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
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
