export { createTestDatabase, type TestDatabase } from "./test-database.ts";
export { snapshotCatalog, checksumTables, type CatalogSnapshot, type TableChecksum } from "./catalog.ts";
