import { dbTestHooks } from "@cleanops/db/testing/vitest-hooks";
import { packageTestConfig } from "@cleanops/vitest-config";

// Real PostgreSQL like every package: one server and migrated templates per run, one cloned database per test file.
// The smoke file starts real processes (the CLI and the three apps), so it gets more time per test than the default.
export default packageTestConfig(dbTestHooks, { testTimeout: 300_000 });
