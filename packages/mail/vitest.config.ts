import { packageTestConfig } from "@cleanops/vitest-config";

// No database here: the outbox's database side is tested through admin-api, which writes and drains it.
export default packageTestConfig(undefined, { testTimeout: 30_000 });
