import { baseConfig } from "@cleanops/eslint-config";

export default baseConfig;
