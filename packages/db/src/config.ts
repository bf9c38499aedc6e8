import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

// The one place in @cleanops/db that reads the environment; everything else takes a DbConfig.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

const schema = z.object({
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  EMBEDDED_PG_DIR: z
    .string()
    .min(1)
    .default(path.join(repoRoot, ".data", "postgres")),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
  MIGRATION_LOCK_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(800),
  MIGRATION_LOCK_RETRIES: z.coerce.number().int().min(0).max(1000).default(30),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type DbConfig = {
  databaseUrl: string | undefined;
  embedded: { dataDir: string; port: number };
  migrations: { lockTimeoutMs: number; lockRetries: number };
  logLevel: z.infer<typeof schema>["LOG_LEVEL"];
  repoRoot: string;
};

export function loadDbConfig(env: NodeJS.ProcessEnv = process.env): DbConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new Error(`Invalid configuration: ${first?.path.join(".") ?? "?"}: ${first?.message ?? "invalid"}`);
  }
  const c = parsed.data;
  return {
    databaseUrl: c.DATABASE_URL,
    embedded: { dataDir: c.EMBEDDED_PG_DIR, port: c.EMBEDDED_PG_PORT },
    migrations: { lockTimeoutMs: c.MIGRATION_LOCK_TIMEOUT_MS, lockRetries: c.MIGRATION_LOCK_RETRIES },
    logLevel: c.LOG_LEVEL,
    repoRoot,
  };
}
