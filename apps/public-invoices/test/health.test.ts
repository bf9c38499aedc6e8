import { fileURLToPath } from "node:url";
import { createPgPool } from "@cleanops/db";
import { asAppRole, createTestDatabase } from "@cleanops/db/testing";
import { describeHealthContract, postAroundJsonLimit } from "@cleanops/http/testing";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { createApp, PUBLIC_INVOICES_JSON_LIMIT } from "../src/app.ts";

const LIMIT_BYTES = 16 * 1024;

describeHealthContract("public-invoices", {
  createApp,
  // As the app runs in production, the application role, so what it sends is recorded and audited; a legacy database
  // predates that role's grants (0037), only its owner can read which migrations are pending there.
  createPool: (url, template) => createPgPool(template === "head" ? asAppRole(url) : url, { max: 2 }),
  createTestDatabase,
  serverEntry: fileURLToPath(new URL("../src/server.ts", import.meta.url)),
});

describe("public-invoices request bodies", () => {
  it(`refuses a JSON body over its limit (${PUBLIC_INVOICES_JSON_LIMIT}) with 413 payload_too_large, before any route or query`, async () => {
    const pool = createPgPool("postgres://nobody@127.0.0.1:1/none", { max: 1 });
    try {
      const { oversized, small } = await postAroundJsonLimit(createApp({ pool, logger: pino({ level: "silent" }) }), LIMIT_BYTES);
      expect(oversized.status).toBe(413);
      expect(oversized.body).toMatchObject({ error: { code: "payload_too_large" } });
      expect(small.status).toBe(404);
    } finally {
      await pool.end();
    }
  });
});
