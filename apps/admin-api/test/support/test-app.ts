import { Writable } from "node:stream";
import { ormOptions, tenantOrmOptions } from "@cleanops/db";
import { asAppRole, createTestDatabase, type TestDatabase } from "@cleanops/db/testing";
import { MikroORM } from "@mikro-orm/postgresql";
import type { Express } from "express";
import pg from "pg";
import { pino } from "pino";
import { createApp, type AdminApiDeps } from "../../src/app.ts";
import { factories, type Factories } from "./factories.ts";
import { TEST_KEY_RING } from "./test-keys.ts";

/** A clock the test moves; starts at the real time so it agrees with the database's now() for defaults. */
export type TestClock = { now: () => Date; advance: (seconds: number) => void };

export function testClock(start = new Date()): TestClock {
  let t = Math.floor(start.getTime() / 1000) * 1000;
  return { now: () => new Date(t), advance: (seconds) => (t += seconds * 1000) };
}

export type TestApp = {
  app: Express;
  /** The app's ORM, connected as the row-level-secured application role. */
  orm: MikroORM;
  /** An owner connection, for factories and for reading what the app wrote. */
  owner: pg.Client;
  db: TestDatabase;
  clock: TestClock;
  make: Factories;
  /** Every log line the app wrote, raw: tests check no secret ever reaches it. */
  logText: () => string;
  close: () => Promise<void>;
};

/** admin-api on its own database (cloned from head), as it runs in production: app role, tenant ORM options. */
export async function startTestApp(
  options: Partial<Pick<AdminApiDeps, "accessTokenTtlSeconds" | "mailer" | "webAppUrl" | "trustProxy">> = {},
): Promise<TestApp> {
  const db = await createTestDatabase("head");
  const owner = new pg.Client({ connectionString: db.url });
  await owner.connect();
  const orm = await MikroORM.init(tenantOrmOptions(ormOptions(asAppRole(db.url), { pool: { min: 0, max: 6 } })));
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString("utf8"));
      cb();
    },
  });
  const logger = pino({ level: "debug" }, sink);
  const clock = testClock();
  const app = createApp({ orm, logger, keyRing: TEST_KEY_RING, clock: clock.now, checkResponses: true, ...options });
  return {
    app,
    orm,
    owner,
    db,
    clock,
    make: factories(owner),
    logText: () => chunks.join(""),
    close: async () => {
      await orm.close(true);
      await owner.end();
      await db.drop();
    },
  };
}

/** Retries `probe` until it stops throwing (work the app finishes after answering, e.g. a failed sign-in's audit). */
export async function eventually<T>(probe: () => Promise<T>, timeoutMs = 3_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}
