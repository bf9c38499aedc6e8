import { defineConfig, type ViteUserConfig } from "vitest/config";

/**
 * Packages that touch data test against real PostgreSQL: `database` (dbTestHooks from @cleanops/db) starts one server
 * and migrated templates per run, records the SQL sent as the app role for the audit, and each test file clones its
 * own database. Pure packages pass none.
 */
export function packageTestConfig(
  database?: { globalSetup: string; setupFiles: string[] },
  overrides: ViteUserConfig["test"] = {},
): ViteUserConfig {
  return defineConfig({
    test: {
      globalSetup: database ? [database.globalSetup] : [],
      setupFiles: database?.setupFiles ?? [],
      include: ["src/**/*.test.ts", "test/**/*.test.ts"],
      pool: "forks",
      testTimeout: 60_000,
      hookTimeout: 120_000,
      reporters: ["default"],
      ...overrides,
    },
  });
}
