import { defineConfig } from "vitest/config";

// Pure functions only: this package needs no database.
export default defineConfig({ test: { include: ["test/**/*.test.ts"], testTimeout: 30_000 } });
