export { loadDbConfig, type DbConfig } from "./config.ts";
export { createLogger, type Logger } from "./logger.ts";
export { createPgPool, withDatabaseName } from "./postgres/pool.ts";
export { checkReadiness, type Readiness } from "./readiness.ts";
export { DEFAULT_ORG_ID, TENANT_TABLES } from "./migrations/tenant-tables.ts";
export { MigrationRunner, type MigrationStatus } from "./migrations/migrator.ts";
export { MIGRATION_NAMES } from "./migrations/names.ts";
export {
  PlatformInputError,
  ROLES,
  addMembership,
  createOrganization,
  createUser,
  findOrganization,
  normalizeEmail,
  parseRole,
  slugify,
  withTransaction,
  type Membership,
  type Organization,
  type Role,
  type User,
} from "./platform/platform-admin.ts";
export { acquireDatabase, describeConnectionError, ensureDatabase, type DatabaseHandle } from "./postgres/server.ts";
export { startEmbeddedPostgres, type EmbeddedServer } from "./postgres/embedded.ts";
export { LEGACY_HEAD } from "./migrations/registry.ts";
export type { MigrationContext } from "./migrations/migration-context.ts";
export { fillLegacyFixture, plannedFixtureCounts, type FixtureCounts, type FixtureProgress } from "./fixture/legacy-fixture.ts";
