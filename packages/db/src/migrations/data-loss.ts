import type { MigrationContext } from "./migration-context.ts";

export type RowLoss = { table: string; rows: number };

/** "users: 2, memberships: 3" for the tables that would actually lose rows. */
export function describeLoss(losses: readonly RowLoss[]): string {
  return losses
    .filter((l) => l.rows > 0)
    .map((l) => `${l.table}: ${l.rows}`)
    .join(", ");
}

/** A down step that refused before changing anything (so an online migration's journal entry can be dropped too). */
export class DataLossRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DataLossRefusedError";
  }
}

/**
 * Every down migration that would delete rows calls this first, inside its transaction and before any change: without
 * --force-data-loss it refuses (so the step changes nothing), naming each table and how many rows it would lose;
 * with it, it logs the same list and lets the step go on. Nothing to lose: nothing to ask.
 */
export function guardDataLoss(ctx: MigrationContext, migration: string, losses: readonly RowLoss[], what: string): void {
  const list = describeLoss(losses);
  if (list === "") return;
  if (!ctx.forceDataLoss) {
    throw new DataLossRefusedError(
      `${migration} down refused: it would delete ${what} (${list}). ` +
        `Restore a backup instead, or pass --force-data-loss to delete them.`,
    );
  }
  ctx.logger.warn({ migration, losses }, `${migration} down: deleting ${what} (--force-data-loss): ${list}`);
}
