import { packageTestConfig } from "@cleanops/vitest-config";

// No database here: pure money arithmetic.
export default packageTestConfig(undefined, { testTimeout: 30_000 });
