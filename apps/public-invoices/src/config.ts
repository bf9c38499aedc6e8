import { loadServiceConfig, type ServiceConfig } from "@cleanops/http";

export const PUBLIC_INVOICES_DEFAULT_PORT = 3003;

export type PublicInvoicesConfig = ServiceConfig;

/**
 * The only module of public-invoices that reads the environment: DATABASE_URL (required), PORT (default 3003),
 * HOST (default 127.0.0.1), LOG_LEVEL, NODE_ENV. Throws a ConfigError whose message names the bad variable.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): PublicInvoicesConfig {
  return loadServiceConfig(env, { defaultPort: PUBLIC_INVOICES_DEFAULT_PORT });
}
