import { fileURLToPath } from "node:url";
import { packageTestConfig } from "@cleanops/vitest-config";

// The DB package's global setup: one PostgreSQL and migrated templates per run; tests clone real databases.
export default packageTestConfig(fileURLToPath(import.meta.resolve("@cleanops/db/testing/global-setup")));
