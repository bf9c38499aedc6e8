import { fileURLToPath } from "node:url";

/** What a package's vitest config needs to test against real PostgreSQL with the SQL audit on. */
export const dbTestHooks = {
  globalSetup: fileURLToPath(new URL("./global-setup.ts", import.meta.url)),
  setupFiles: [fileURLToPath(new URL("./sql-recorder.ts", import.meta.url))],
};
