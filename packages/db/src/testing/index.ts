export { createTestDatabase, type TestDatabase } from "./test-database.ts";
export { asAppRole, TEST_APP_ROLE_PASSWORD } from "./app-role.ts";
export { snapshotCatalog, checksumTables, type CatalogSnapshot, type TableChecksum } from "./catalog.ts";
export { UNSCOPED_ON_PURPOSE } from "./sql-audit.ts";
export { orgChecksums } from "./org-checksums.ts";
