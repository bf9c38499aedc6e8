import { fileURLToPath } from "node:url";
import { createPgPool } from "@cleanops/db";
import { createTestDatabase } from "@cleanops/db/testing";
import { describeHealthContract } from "@cleanops/http/testing";
import { createApp } from "../src/app.ts";

describeHealthContract("worker-portal", {
  createApp,
  createPool: (url) => createPgPool(url, { max: 2 }),
  createTestDatabase,
  serverEntry: fileURLToPath(new URL("../src/server.ts", import.meta.url)),
});
