import { packageTestConfig } from "@cleanops/vitest-config";

// No database here: the providers talk HTTP to local stand-ins.
export default packageTestConfig(undefined, { testTimeout: 30_000 });
