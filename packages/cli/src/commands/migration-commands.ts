import { MigrationRunner, type MigrationContext } from "@cleanops/db";
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

async function withRunner<T>(ctx: CommandContext, forceDataLoss: boolean, work: (r: MigrationRunner) => Promise<T>): Promise<T> {
  return withDatabaseUrl(ctx, async (url) => {
    const runner = await MigrationRunner.open(migrationContext(ctx, url, forceDataLoss));
    try {
      return await work(runner);
    } finally {
      await runner.close();
    }
  });
}

export async function migrateCommand(ctx: CommandContext, opts: { to?: string | undefined }): Promise<void> {
  const applied = await withRunner(ctx, false, (r) => r.up(opts.to));
  ctx.print(
    applied.length === 0 ? "Nothing to migrate: the database is at the requested version." : `Applied ${applied.length} migration(s):`,
  );
  for (const name of applied) ctx.print(`  ${name}`);
}

export async function rollbackCommand(ctx: CommandContext, opts: { forceDataLoss: boolean }): Promise<void> {
  const reverted = await withRunner(ctx, opts.forceDataLoss, (r) => r.downOne());
  ctx.print(reverted.length === 0 ? "Nothing to roll back." : `Rolled back ${reverted.join(", ")}.`);
}

export async function statusCommand(ctx: CommandContext): Promise<void> {
  const status = await withRunner(ctx, false, (r) => r.status());
  const last = status.applied.at(-1);
  ctx.print(`Applied: ${status.applied.length}${last ? ` (latest ${last.name}, ${last.executedAt.toISOString()})` : ""}`);
  ctx.print(status.pending.length === 0 ? "Pending: none (at head)" : `Pending: ${status.pending.length}`);
  for (const name of status.pending) ctx.print(`  ${name}`);
}
