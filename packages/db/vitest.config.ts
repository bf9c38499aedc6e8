import { packageTestConfig } from "@cleanops/vitest-config";
import { dbTestHooks } from "./src/testing/vitest-hooks.ts";

export default packageTestConfig(dbTestHooks);
