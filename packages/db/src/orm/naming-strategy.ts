import { UnderscoreNamingStrategy } from "@mikro-orm/core";

type KeyType = Parameters<UnderscoreNamingStrategy["indexName"]>[2];

// PostgreSQL's own suffixes: constraints and indexes the migrations created without a name get exactly these names.
const SUFFIX: Partial<Record<KeyType, string>> = { foreign: "fkey", unique: "key", index: "idx" };

/**
 * snake_case columns (MikroORM's UnderscoreNamingStrategy) and PostgreSQL-style key names (`_fkey`, `_key`, `_idx`,
 * `_check`, `_pkey`), so the names MikroORM derives are the ones the hand-written migrations gave the database.
 */
export class PgNamingStrategy extends UnderscoreNamingStrategy {
  override indexName(tableName: string, columns: string[], type: KeyType): string {
    const suffix = SUFFIX[type];
    if (suffix === undefined) return super.indexName(tableName, columns, type);
    const table = tableName.includes(".") ? tableName.slice(tableName.indexOf(".") + 1) : tableName;
    return [table, ...columns.map((c) => c.replace(/\./g, "_")), suffix].join("_");
  }
}
