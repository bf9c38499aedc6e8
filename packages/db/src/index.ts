export { loadDbConfig, type DbConfig } from "./config.ts";
export { createLogger, type Logger } from "./logger.ts";
export { createPgPool, withDatabaseName } from "./postgres/pool.ts";
export { checkReadiness, type Readiness } from "./readiness.ts";
export { DEFAULT_ORG_ID, TENANT_TABLES } from "./migrations/tenant-tables.ts";
export { MigrationRunner, type MigrationStatus } from "./migrations/migrator.ts";
export { MIGRATION_LOCK_KEY, MigrationLockBusyError, type MigrationLockOptions } from "./migrations/migration-lock.ts";
export { MIGRATION_NAMES } from "./migrations/names.ts";
export {
  PlatformInputError,
  ROLES,
  addMembership,
  createInvoiceSequence,
  createOrganization,
  createUser,
  emSqlRunner,
  pgSqlRunner,
  findOrganization,
  normalizeEmail,
  parseRole,
  withTransaction,
  type Membership,
  type Organization,
  type Role,
  type SqlRunner,
  type User,
} from "./platform/platform-admin.ts";
export {
  MAX_PASSWORD_LENGTH,
  NEW_PASSWORD_RULE,
  newPasswordProblem,
  newPasswordSchema,
  SLUG_PATTERN,
  SLUG_RULE,
  slugify,
  slugSchema,
} from "./platform/account-rules.ts";
export {
  findAccountByEmail,
  findAccountTokenOwner,
  findInvitationByToken,
  findLiveMembershipRecord,
  findOrgBySlug,
  findRefreshTokenOwner,
  revokeMemberSessions,
  type AccountRecord,
  type InvitationRecord,
  type LiveMembershipRecord,
  type OrgBySlug,
} from "./platform/platform-lookups.ts";
export { acquireDatabase, describeConnectionError, ensureDatabase, type DatabaseHandle } from "./postgres/server.ts";
export { startEmbeddedPostgres, type EmbeddedServer } from "./postgres/embedded.ts";
export { LEGACY_HEAD } from "./migrations/registry.ts";
export type { MigrationContext } from "./migrations/migration-context.ts";
export { fillLegacyFixture, plannedFixtureCounts, type FixtureCounts, type FixtureProgress } from "./fixture/legacy-fixture.ts";
export { ormOptions, MIGRATION_BOOKKEEPING_TABLES } from "./orm/orm-config.ts";
export * as entities from "./entities/index.ts";
export { ALL_ENTITIES, BUSINESS_ENTITIES, PLATFORM_ENTITIES } from "./entities/index.ts";
export { tenantOrmOptions } from "./tenancy/tenant-orm.ts";
export { orgEntityManager, userEntityManager, withOrg, withUser, type OrgTransactionOptions } from "./tenancy/with-org.ts";
export { readTransaction } from "./tenancy/read-transaction.ts";
export { isoUtc, sqlRows } from "./tenancy/sql-rows.ts";
export { TenantError, type TenantErrorCode } from "./tenancy/tenant-errors.ts";
export { assertOrgId, CURRENT_ORG_SETTING, CURRENT_USER_SETTING, TENANT_FILTER } from "./tenancy/tenant-filter.ts";
export { allocateInvoiceNumber } from "./invoices/invoice-numbers.ts";
export { APP_ROLE, createRolesSql, PLATFORM_ROLE, ROLE_CREATION_LOCK_KEY } from "./tenancy/database-roles.ts";
export { checksumAllTables, describeDifferences, snapshotCatalog, type CatalogSnapshot, type TableChecksum } from "./postgres/catalog.ts";
export { resolvePublicInvoiceToken, type PublicInvoiceTarget } from "./invoices/public-invoice-tokens.ts";
export { diffViews, mutate, type Audit, type AuditActor, type AuditEntry } from "./audit/mutate.ts";
export { keysetAfter, keysetAfterSql, NEWEST_FIRST, type KeysetCursor } from "./queries/keyset.ts";
export type * from "./entities/index.ts";
export { PUBLIC_INVOICE_RATE_LIMIT_TABLE } from "./invoices/public-rate-limit.ts";
export {
  admitAttempt,
  admitClientAction,
  admitSignUp,
  ATTEMPT_RETENTION_SECONDS,
  clientKey,
  GLOBAL_DELAY_FROM_FAILURES,
  GLOBAL_MAX_FAILURES,
  markSucceeded,
  recordProvenAccess,
  SIGN_UP_MAX_PER_CLIENT,
  THROTTLE_MAX_FAILURES,
  THROTTLE_MAX_FAILURES_PER_IP,
  THROTTLE_WINDOW_SECONDS,
  throttleState,
  type ClientAction,
  type ThrottleState,
} from "./auth/login-throttle.ts";
export {
  addedMinutes,
  addonRefusal,
  completeNewBooking,
  type AddonChoice,
  type AddonTerms,
  type NewBookingAddon,
} from "./bookings/booking-addons.ts";
export { endOfUtcDay, nextOccurrence, occurrenceDate, type Frequency } from "./subscriptions/schedule.ts";
export { MAX_OCCURRENCES_PER_RUN, runDueSubscriptions, type DueRunResult, type DueRunTarget } from "./subscriptions/due-run.ts";
export { runDueSubscriptionsEveryOrg, type DueRunOrg } from "./subscriptions/due-run-every-org.ts";
export { verifySchema, expectedShape, type VerifyResult, type VerifyShape } from "./migrations/verify.ts";
export { JOURNAL_TABLE, describeDirection, type InProgress, type Direction } from "./migrations/migration-journal.ts";
export type { Recovery } from "./migrations/migrator.ts";
export { runPreflight, formatPreflightProblems, type PreflightProblem, type PreflightResult } from "./migrations/preflight.ts";
