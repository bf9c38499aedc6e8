import { packageTestConfig } from "@cleanops/vitest-config";

export default packageTestConfig("./src/testing/global-setup.ts");
