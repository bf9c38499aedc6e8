import type { Logger } from "../logger.ts";

/** What a migration may need beyond SQL: handed in by the runner, never read from globals. */
export type MigrationContext = {
  /** Connection string of the database being migrated (owner role). */
  connectionString: string;
  logger: Logger;
  /** Each DDL statement waits at most this long for its lock, then is retried. */
  lockTimeoutMs: number;
  lockRetries: number;
  /** Down migrations that would delete rows of non-Default orgs refuse unless this is set. */
  forceDataLoss: boolean;
  /**
   * The legacy organization id that 0034 makes the Default org. Unset: the only organization, whatever its id; with
   * several, id 1 (the pre-flight refuses that case until the operator names one).
   */
  defaultOrgFrom?: number | undefined;
};
