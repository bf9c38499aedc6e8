import { baseConfig } from "@cleanops/eslint-config";

export default [
  ...baseConfig,
  // Generated from the OpenAPI document; the build regenerates it.
  { ignores: ["src/api/schema.gen.ts", "test-artifacts/**"] },
  {
    files: ["src/**/*.ts", "src/**/*.tsx"],
    languageOptions: { parserOptions: { projectService: false, project: ["./tsconfig.app.json"] } },
  },
  {
    // The static server's configuration module (and the dev server's target) read the environment.
    files: ["server/config.ts", "vite.config.ts"],
    rules: { "no-restricted-properties": "off" },
  },
];
