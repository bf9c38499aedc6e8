import { dbTestHooks } from "@cleanops/db/testing/vitest-hooks";
import { packageTestConfig } from "@cleanops/vitest-config";

// Real PostgreSQL: one server and migrated templates per run, one cloned database per test file.
export default packageTestConfig(dbTestHooks);
