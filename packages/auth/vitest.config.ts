import { packageTestConfig } from "@cleanops/vitest-config";

// No database here: pure functions.
export default packageTestConfig(undefined, { testTimeout: 30_000 });
