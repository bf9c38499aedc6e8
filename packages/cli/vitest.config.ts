import { fileURLToPath } from "node:url";
import { packageTestConfig } from "@cleanops/vitest-config";

export default packageTestConfig(fileURLToPath(import.meta.resolve("@cleanops/db/testing/global-setup")));
