import { MigrationLockBusyError, MigrationRunner, type MigrationContext, type MigrationLockOptions } from "@cleanops/db";
import { CliError } from "../cli-error.ts";
import type { CommandContext } from "../command-context.ts";
import { withDatabaseUrl } from "./with-database.ts";

function migrationContext(ctx: CommandContext, url: string, forceDataLoss: boolean): MigrationContext {
  return {
    connectionString: url,
    logger: ctx.logger,
    lockTimeoutMs: ctx.config.db.migrations.lockTimeoutMs,
    lockRetries: ctx.config.db.migrations.lockRetries,
    forceDataLoss,
  };
}

/** One migrator per database at a time: an operator sees why a run seems stuck, or with --no-wait gets out at once. */
function lockOptions(ctx: CommandContext, wait: boolean): MigrationLockOptions {
  return {
    wait,
    onWaiting: (pid) =>
      ctx.print(`Waiting for another migrator${pid === undefined ? "" : ` (PostgreSQL backend pid ${pid})`} to finish ...`),
  };
}

async function withRunner<T>(
  ctx: CommandContext,
  opts: { forceDataLoss: boolean; wait: boolean },
  work: (r: MigrationRunner) => Promise<T>,
): Promise<T> {
  return withDatabaseUrl(ctx, async (url) => {
    const runner = await MigrationRunner.open(migrationContext(ctx, url, opts.forceDataLoss), lockOptions(ctx, opts.wait));
    try {
      return await work(runner);
    } catch (err) {
      if (err instanceof MigrationLockBusyError) throw new CliError(`${err.message}; not waiting (--no-wait).`);
      throw err;
    } finally {
      await runner.close();
    }
  });
}

export async function migrateCommand(ctx: CommandContext, opts: { to?: string | undefined; wait?: boolean }): Promise<void> {
  const applied = await withRunner(ctx, { forceDataLoss: false, wait: opts.wait ?? true }, (r) => r.up(opts.to));
  ctx.print(
    applied.length === 0 ? "Nothing to migrate: the database is at the requested version." : `Applied ${applied.length} migration(s):`,
  );
  for (const name of applied) ctx.print(`  ${name}`);
}

export async function rollbackCommand(ctx: CommandContext, opts: { forceDataLoss: boolean; wait?: boolean }): Promise<void> {
  const reverted = await withRunner(ctx, { forceDataLoss: opts.forceDataLoss, wait: opts.wait ?? true }, (r) => r.downOne());
  ctx.print(reverted.length === 0 ? "Nothing to roll back." : `Rolled back ${reverted.join(", ")}.`);
}

export async function statusCommand(ctx: CommandContext): Promise<void> {
  const status = await withRunner(ctx, { forceDataLoss: false, wait: true }, (r) => r.status());
  const last = status.applied.at(-1);
  ctx.print(`Applied: ${status.applied.length}${last ? ` (latest ${last.name}, ${last.executedAt.toISOString()})` : ""}`);
  ctx.print(status.pending.length === 0 ? "Pending: none (at head)" : `Pending: ${status.pending.length}`);
  for (const name of status.pending) ctx.print(`  ${name}`);
}
