import { fileURLToPath } from "node:url";
import { ormOptions, tenantOrmOptions } from "@cleanops/db";
import { createTestDatabase } from "@cleanops/db/testing";
import { describeHealthContract } from "@cleanops/http/testing";
import { MikroORM } from "@mikro-orm/postgresql";
import { createApp } from "../src/app.ts";
import { TEST_KEY_RING } from "./support/test-keys.ts";

type OrmHandle = { orm: MikroORM; end(): Promise<void> };

describeHealthContract<OrmHandle>("admin-api", {
  createApp: ({ pool, logger }) => createApp({ orm: pool.orm, logger, keyRing: TEST_KEY_RING }),
  // The app's only pool is the ORM's; MikroORM's constructor discovers the entities without connecting.
  createPool: (url) => {
    const orm = new MikroORM(tenantOrmOptions(ormOptions(url, { pool: { min: 0, max: 2 } })));
    return { orm, end: () => orm.close(true) };
  },
  createTestDatabase,
  serverEntry: fileURLToPath(new URL("../src/server.ts", import.meta.url)),
});
