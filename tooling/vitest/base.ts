import { defineConfig, type ViteUserConfig } from "vitest/config";

/**
 * Packages that touch data test against real PostgreSQL: `globalSetup` (from @cleanops/db/testing) starts one server
 * and migrated templates per run, and each test file clones its own database. Pure packages pass none.
 */
export function packageTestConfig(globalSetup?: string, overrides: ViteUserConfig["test"] = {}): ViteUserConfig {
  return defineConfig({
    test: {
      globalSetup: globalSetup ? [globalSetup] : [],
      include: ["src/**/*.test.ts", "test/**/*.test.ts"],
      pool: "forks",
      testTimeout: 60_000,
      hookTimeout: 120_000,
      reporters: ["default"],
      ...overrides,
    },
  });
}
