import { AsyncLocalStorage } from "node:async_hooks";
import type { Configuration, Transaction } from "@mikro-orm/core";
import { PostgreSqlConnection, PostgreSqlDriver } from "@mikro-orm/postgresql";
import { CompiledQuery, type DatabaseConnection, type Driver, type PostgresDialect, type TransactionSettings } from "kysely";

type BeginOptions = Parameters<PostgreSqlConnection["begin"]>[0];
type SessionContext = NonNullable<NonNullable<BeginOptions>["sessionContext"]>;

/** The set_config statement waiting for the next BEGIN of this async context; `error` when the combined send failed. */
type PendingPrelude = { sql: string; used: boolean; error?: Error };

const pendingPrelude = new AsyncLocalStorage<PendingPrelude>();

/** A string literal for the simple-query protocol (standard_conforming_strings is on since PostgreSQL 9.1). */
const literal = (value: string) => `'${value.replaceAll("'", "''")}'`;

/**
 * `select set_config(k, v, true), …` with literals, or undefined when the context cannot be sent that way (a role,
 * a value with a NUL byte): then MikroORM's own statement follows BEGIN as usual.
 */
function preludeSql(context: SessionContext | undefined): string | undefined {
  if (!context || context.role) return undefined;
  const variables = Object.entries(context.variables ?? {});
  if (variables.length === 0) return undefined;
  const parts: string[] = [];
  for (const [key, value] of variables) {
    const text = value instanceof Date ? value.toISOString() : String(value);
    if (key.includes("\0") || text.includes("\0")) return undefined;
    parts.push(`set_config(${literal(key)}, ${literal(text)}, true)`);
  }
  return `select ${parts.join(", ")}`;
}

/** Kysely's `begin` (or `start transaction …`) for these settings, as its PostgreSQL driver writes it. */
function beginSql(settings: TransactionSettings): string {
  if (!settings.isolationLevel && !settings.accessMode) return "begin";
  return ["start transaction", settings.isolationLevel ? `isolation level ${settings.isolationLevel}` : "", settings.accessMode ?? ""]
    .filter(Boolean)
    .join(" ");
}

function withCombinedBegin(driver: Driver): Driver {
  const begin = driver.beginTransaction.bind(driver);
  driver.beginTransaction = async (connection: DatabaseConnection, settings: TransactionSettings) => {
    const pending = pendingPrelude.getStore();
    if (!pending || pending.used) return begin(connection, settings);
    pending.used = true;
    try {
      // No parameters: pg sends this as one simple query, both statements in one round trip.
      await connection.executeQuery(CompiledQuery.raw(`${beginSql(settings)}; ${pending.sql}`));
    } catch (error) {
      // Kysely does not release a connection whose BEGIN threw; the transaction object it returns does, on rollback.
      pending.error = error instanceof Error ? error : new Error(String(error));
    }
  };
  return driver;
}

/**
 * The PostgreSQL connection of the tenant ORM: a transaction with a session context (the org of `withOrg` /
 * `orgEntityManager`) sends BEGIN and its `set_config` as ONE round trip instead of two. The tenant scoping of a
 * request costs its extra round trips (BEGIN, set_config, COMMIT) more than any PostgreSQL work; this removes one.
 * Anything unusual (a nested savepoint, a role in the context) takes MikroORM's ordinary path.
 */
export class ScopedPostgreSqlConnection extends PostgreSqlConnection {
  override createKyselyDialect(overrides: Parameters<PostgreSqlConnection["createKyselyDialect"]>[0]): PostgresDialect {
    const dialect = super.createKyselyDialect(overrides);
    const createDriver = dialect.createDriver.bind(dialect);
    dialect.createDriver = () => withCombinedBegin(createDriver());
    return dialect;
  }

  override async begin(options: BeginOptions = {}): Promise<Transaction> {
    const sql = options.ctx ? undefined : preludeSql(options.sessionContext);
    if (sql === undefined) return super.begin(options);
    const pending: PendingPrelude = { sql, used: false };
    const { sessionContext: _applied, ...rest } = options;
    const trx = await pendingPrelude.run(pending, () => super.begin(rest));
    if (!pending.used) {
      // The driver was not reached (it never is without a dialect of ours): apply the context the ordinary way.
      await this.execute(sql, [], "run", trx, options.loggerContext);
      return trx;
    }
    this.logQuery(sql, options.loggerContext);
    if (pending.error !== undefined) {
      await (trx as unknown as { rollback(): { execute(): Promise<void> } })
        .rollback()
        .execute()
        .catch(() => undefined);
      throw pending.error;
    }
    return trx;
  }
}

/** PostgreSqlDriver with the connection above (the ORM option `driver` of the tenant ORM). */
export class ScopedPostgreSqlDriver extends PostgreSqlDriver {
  constructor(config: Configuration) {
    super(config);
    // The parent constructor built a plain connection (nothing connects before first use): replace it.
    (this as unknown as { connection: PostgreSqlConnection }).connection = new ScopedPostgreSqlConnection(this.config);
  }
}
