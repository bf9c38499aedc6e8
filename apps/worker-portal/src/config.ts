import { loadServiceConfig, type ServiceConfig } from "@cleanops/http";

export const WORKER_PORTAL_DEFAULT_PORT = 3002;

export type WorkerPortalConfig = ServiceConfig;

/**
 * The only module of worker-portal that reads the environment: DATABASE_URL (required), PORT (default 3002),
 * HOST (default 127.0.0.1), LOG_LEVEL, NODE_ENV. Throws a ConfigError whose message names the bad variable.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): WorkerPortalConfig {
  return loadServiceConfig(env, { defaultPort: WORKER_PORTAL_DEFAULT_PORT });
}
