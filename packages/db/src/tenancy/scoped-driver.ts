import { AsyncLocalStorage } from "node:async_hooks";
import type { Configuration, Transaction } from "@mikro-orm/core";
import { PostgreSqlConnection, PostgreSqlDriver } from "@mikro-orm/postgresql";
import { CompiledQuery, type DatabaseConnection, type Driver, type PostgresDialect, type TransactionSettings } from "kysely";

type BeginOptions = Parameters<PostgreSqlConnection["begin"]>[0];
type SessionContext = NonNullable<NonNullable<BeginOptions>["sessionContext"]>;

/** The set_config statement waiting for the next BEGIN of this async context. */
type PendingPrelude = { sql: string; used: boolean };

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

/**
 * The BEGIN + set_config of a connection's open transaction while it is still on its way (or failed). Every statement
 * of that transaction waits for it as well as for its own answer, so none of them yields a result unless the org's
 * context was applied first; its COMMIT waits for it too. Cleared when it succeeds, or by the ROLLBACK that follows a
 * failure. What the server does with a statement already sent behind a failed prelude: after a failed set_config the
 * transaction is aborted and refuses it; were BEGIN itself to fail, it would run on its own without the org's
 * setting, where row-level security lets it read and write nothing.
 */
const preludes = new WeakMap<DatabaseConnection, Promise<unknown>>();
const guarded = new WeakSet<DatabaseConnection>();

function guard(connection: DatabaseConnection): void {
  if (guarded.has(connection)) return;
  guarded.add(connection);
  const execute = connection.executeQuery.bind(connection);
  connection.executeQuery = async <R>(query: CompiledQuery) => {
    const prelude = preludes.get(connection);
    if (prelude === undefined) return execute<R>(query);
    // Both answers are awaited; if the prelude failed, its error is the one reported (the statement behind it fails
    // too, as "transaction aborted") and this result is not used.
    const [before, result] = await Promise.allSettled([prelude, execute<R>(query)]);
    if (before.status === "rejected") throw before.reason;
    if (result.status === "rejected") throw result.reason;
    return result.value;
  };
}

function withCombinedBegin(driver: Driver): Driver {
  const begin = driver.beginTransaction.bind(driver);
  const rollback = driver.rollbackTransaction.bind(driver);
  driver.beginTransaction = async (connection: DatabaseConnection, settings: TransactionSettings) => {
    const pending = pendingPrelude.getStore();
    if (!pending || pending.used) return begin(connection, settings);
    pending.used = true;
    guard(connection);
    // No parameters: pg sends this as one simple query, both statements in one message. The connection pipelines
    // (`pipeline: true`), so it is not waited for here: the transaction's first statement leaves right behind it, and
    // BEGIN, set_config and that statement cost ONE round trip together.
    const sent = connection.executeQuery(CompiledQuery.raw(`${beginSql(settings)}; ${pending.sql}`));
    preludes.set(connection, sent);
    sent.then(
      () => {
        if (preludes.get(connection) === sent) preludes.delete(connection);
      },
      () => undefined,
    );
  };
  driver.rollbackTransaction = async (connection: DatabaseConnection) => {
    // A ROLLBACK must go out even when the prelude failed (that is usually why it is sent).
    preludes.delete(connection);
    return rollback(connection);
  };
  return driver;
}

/**
 * The PostgreSQL connection of the tenant ORM: a transaction with a session context (the org of `withOrg` /
 * `orgEntityManager`) sends BEGIN and its `set_config` as one message, pipelined with the transaction's first
 * statement, so that scoping costs no round trip of its own there (it used to cost two: BEGIN, then set_config). The
 * tenant scoping of a request costs its extra round trips (BEGIN, set_config, COMMIT) more than any PostgreSQL work.
 * Anything unusual (a nested savepoint, a role in the context) takes MikroORM's ordinary path.
 */
export class ScopedPostgreSqlConnection extends PostgreSqlConnection {
  override createKyselyDialect(overrides: Parameters<PostgreSqlConnection["createKyselyDialect"]>[0]): PostgresDialect {
    // pg's pipeline mode: a statement is sent when it is issued, not when the one before it has been answered.
    // Statements of one transaction still run one after another on the server, in the order sent.
    const dialect = super.createKyselyDialect({ ...overrides, pipeline: true });
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
