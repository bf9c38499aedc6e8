import { packageTestConfig } from "@cleanops/vitest-config";

// No database here: pure functions of time and availability.
export default packageTestConfig(undefined, { testTimeout: 30_000 });
