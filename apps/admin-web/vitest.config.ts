import { dbTestHooks } from "@cleanops/db/testing/vitest-hooks";
import { packageTestConfig } from "@cleanops/vitest-config";

// Component tests run in jsdom (a docblock per file); the end-to-end test starts admin-api on a real PostgreSQL.
export default packageTestConfig(dbTestHooks, { include: ["src/**/*.test.ts", "src/**/*.test.tsx", "test/**/*.test.ts"] });
