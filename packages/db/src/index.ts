export { loadDbConfig, type DbConfig } from "./config.ts";
export { createLogger, type Logger } from "./logger.ts";
export { createPgPool, withDatabaseName } from "./postgres/pool.ts";
export { checkReadiness, type Readiness } from "./readiness.ts";
export { DEFAULT_ORG_ID, TENANT_TABLES } from "./migrations/tenant-tables.ts";
export { MigrationRunner, type MigrationStatus } from "./migrations/migrator.ts";
export { MIGRATION_NAMES } from "./migrations/names.ts";
