import { packageTestConfig } from "@cleanops/vitest-config";

// No database here: pure HTTP plumbing.
export default packageTestConfig(undefined, { testTimeout: 20_000 });
