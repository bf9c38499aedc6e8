import type { EntityManager } from "@mikro-orm/postgresql";

/**
 * Runs a read (a GET) in ONE read-only transaction of `em`'s org: `START TRANSACTION READ ONLY` and its `set_config`
 * in one message pipelined with the first query of `work` (scoped-driver.ts), every query on that connection, then
 * COMMIT. Unlike `em.transactional`, nothing is flushed or merged back: a read has nothing to write, and computing
 * change sets for every entity it loaded (50 bookings with their add-ons for a list) was a tenth of a list request's
 * CPU in `pnpm bench`. The entities `work` loads live in a fork that is dropped afterwards; a write must go through
 * `mutate`, which opens its own transaction.
 *
 * The COMMIT is sent but not waited for: the answer is ready when `work` is, and the connection goes back to the pool
 * when the COMMIT completes. Waiting would add a round trip to every read for nothing: the transaction is READ ONLY
 * (PostgreSQL refuses any write in it), so its COMMIT has nothing to make durable and cannot change what was read. A
 * COMMIT that fails (the connection lost) is rolled back, which releases or discards the connection, and logged.
 */
export async function readTransaction<T>(em: EntityManager, work: (em: EntityManager) => Promise<T>): Promise<T> {
  const connection = em.getConnection("write");
  const loggerContext = em.getLoggerContext();
  const trx = await connection.begin({ readOnly: true, sessionContext: em.getTransactionSessionContext(), loggerContext });
  const fork = em.fork({ clear: true, useContext: false });
  fork.setTransactionContext(trx);
  let result: T;
  try {
    result = await work(fork);
  } catch (error) {
    await connection.rollback(trx, undefined, loggerContext).catch((rollbackError: unknown) => warn(em, "roll back", rollbackError));
    throw error;
  } finally {
    fork.resetTransactionContext();
  }
  void connection.commit(trx, undefined, loggerContext).catch(async (commitError: unknown) => {
    warn(em, "commit", commitError);
    await connection.rollback(trx, undefined, loggerContext).catch(() => undefined);
  });
  return result;
}

function warn(em: EntityManager, step: string, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  em.config.getLogger().warn("query", `readTransaction: failed to ${step} a read-only transaction: ${message}`);
}
