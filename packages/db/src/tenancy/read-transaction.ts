import type { EntityManager } from "@mikro-orm/postgresql";

/**
 * Runs a read (a GET) in ONE transaction of `em`'s org: BEGIN and its `set_config` in one round trip, every query of
 * `work` on that connection, then COMMIT. Unlike `em.transactional`, nothing is flushed or merged back: a read has
 * nothing to write, and computing change sets for every entity it loaded (50 bookings with their add-ons for a list)
 * was a tenth of a list request's CPU in `pnpm bench`. The entities `work` loads live in a fork that is dropped
 * afterwards; a write must go through `mutate`, which opens its own transaction.
 */
export async function readTransaction<T>(em: EntityManager, work: (em: EntityManager) => Promise<T>): Promise<T> {
  const fork = em.fork({ clear: true, useContext: false });
  return em.getConnection("write").transactional(
    async (trx) => {
      fork.setTransactionContext(trx);
      try {
        return await work(fork);
      } finally {
        fork.resetTransactionContext();
      }
    },
    { sessionContext: em.getTransactionSessionContext(), loggerContext: em.getLoggerContext() },
  );
}
