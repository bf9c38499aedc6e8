import { defineConfig, type ViteUserConfig } from "vitest/config";

/**
 * Every package tests against real PostgreSQL: one server and migrated templates per run (the global setup),
 * one cloned database per test file.
 */
export function packageTestConfig(globalSetup: string, overrides: ViteUserConfig["test"] = {}): ViteUserConfig {
  return defineConfig({
    test: {
      globalSetup: [globalSetup],
      include: ["src/**/*.test.ts", "test/**/*.test.ts"],
      pool: "forks",
      testTimeout: 60_000,
      hookTimeout: 120_000,
      reporters: ["default"],
      ...overrides,
    },
  });
}
