import { loadServiceConfig, type ServiceConfig } from "@cleanops/http";

export const ADMIN_API_DEFAULT_PORT = 3001;

export type AdminApiConfig = ServiceConfig;

/**
 * The only module of admin-api that reads the environment: DATABASE_URL (required), PORT (default 3001),
 * HOST (default 127.0.0.1), LOG_LEVEL, NODE_ENV. Throws a ConfigError whose message names the bad variable.
 */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): AdminApiConfig {
  return loadServiceConfig(env, { defaultPort: ADMIN_API_DEFAULT_PORT });
}
