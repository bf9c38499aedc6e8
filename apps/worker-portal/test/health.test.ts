import { fileURLToPath } from "node:url";
import { ormOptions, tenantOrmOptions } from "@cleanops/db";
import { asAppRole, createTestDatabase } from "@cleanops/db/testing";
import { describeHealthContract, postAroundJsonLimit } from "@cleanops/http/testing";
import { filesystemStorage } from "@cleanops/storage";
import { MikroORM } from "@mikro-orm/postgresql";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { createApp, WORKER_PORTAL_JSON_LIMIT } from "../src/app.ts";
import { TEST_KEY_RING } from "./support/test-keys.ts";

const LIMIT_BYTES = 256 * 1024;
type OrmHandle = { orm: MikroORM; end(): Promise<void> };
const storage = filesystemStorage(".data/test-unused-photos");

describeHealthContract<OrmHandle>("worker-portal", {
  createApp: ({ pool, logger }) => createApp({ orm: pool.orm, logger, keyRing: TEST_KEY_RING, storage }),
  // The app's only pool is the ORM's (its constructor discovers the entities without connecting), as the application
  // role as in production; a legacy database predates that role's grants (0037): only its owner can read which
  // migrations are pending there.
  createPool: (url, template) => {
    const orm = new MikroORM(tenantOrmOptions(ormOptions(template === "head" ? asAppRole(url) : url, { pool: { min: 0, max: 2 } })));
    return { orm, end: () => orm.close(true) };
  },
  createTestDatabase,
  serverEntry: fileURLToPath(new URL("../src/server.ts", import.meta.url)),
});

describe("worker-portal request bodies", () => {
  it(`refuses a JSON body over its limit (${WORKER_PORTAL_JSON_LIMIT}) with 413 payload_too_large, before any route or query`, async () => {
    // Never connects: MikroORM's constructor only discovers entities.
    const orm = new MikroORM(tenantOrmOptions(ormOptions("postgres://nobody@127.0.0.1:1/none", { pool: { min: 0, max: 1 } })));
    try {
      const app = createApp({ orm, logger: pino({ level: "silent" }), keyRing: TEST_KEY_RING, storage });
      const { oversized, small } = await postAroundJsonLimit(app, LIMIT_BYTES);
      expect(oversized.status).toBe(413);
      expect(oversized.body).toMatchObject({ error: { code: "payload_too_large" } });
      expect(small.status).toBe(404);
    } finally {
      await orm.close(true);
    }
  });
});
