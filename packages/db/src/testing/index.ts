export { createTestDatabase, type TestDatabase } from "./test-database.ts";
export { asAppRole, TEST_APP_ROLE_PASSWORD } from "./app-role.ts";
// The catalog helpers are runtime code (db:restore verifies with them); tests compare migrations with them too.
export { snapshotCatalog, checksumTables, type CatalogSnapshot, type TableChecksum } from "../postgres/catalog.ts";
export { UNSCOPED_ON_PURPOSE } from "./sql-audit.ts";
export { orgChecksums } from "./org-checksums.ts";
export { openTenantHarness, type TenantHarness } from "./tenant-harness.ts";
