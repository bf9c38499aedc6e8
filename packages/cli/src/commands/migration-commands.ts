import {
  describeDirection,
  formatPreflightProblems,
  MigrationLockBusyError,
  runPreflight,
  MigrationRunner,
  verifySchema,
  type MigrationContext,
  type MigrationLockOptions,
  type Recovery,
} from "@cleanops/db";
import { CliError } from "../cli-error.ts";
import type { CommandContext } from "../command-context.ts";
import { withDatabaseUrl } from "./with-database.ts";

function migrationContext(ctx: CommandContext, url: string, forceDataLoss: boolean, defaultOrgFrom?: number): MigrationContext {
  return {
    connectionString: url,
    logger: ctx.logger,
    lockTimeoutMs: ctx.config.db.migrations.lockTimeoutMs,
    lockRetries: ctx.config.db.migrations.lockRetries,
    forceDataLoss,
    defaultOrgFrom,
  };
}

function parseOrgId(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^[1-9][0-9]{0,9}$/.test(raw))
    throw new CliError(`--default-org-from takes a legacy organization id (a positive integer), not "${raw}"`, 2);
  return Number(raw);
}

/** Reads the database (changes nothing) and refuses, listing every problem at once, when a pending migration would fail or go wrong. */
async function preflightAt(ctx: CommandContext, url: string, opts: { to?: string | undefined; defaultOrgFrom?: number | undefined }) {
  const result = await runPreflight(url, { to: opts.to, defaultOrgFrom: opts.defaultOrgFrom, logger: ctx.logger });
  if (result.problems.length > 0) {
    throw new CliError(
      `Pre-flight found ${result.problems.length} problem(s); nothing was changed. Fix them (or restore a clean backup) and run again:`,
      1,
      formatPreflightProblems(result.problems),
    );
  }
  return result;
}

/** One migrator per database at a time: an operator sees why a run seems stuck, or with --no-wait gets out at once. */
function lockOptions(ctx: CommandContext, wait: boolean): MigrationLockOptions {
  return {
    wait,
    onWaiting: (pid) =>
      ctx.print(`Waiting for another migrator${pid === undefined ? "" : ` (PostgreSQL backend pid ${pid})`} to finish ...`),
    onBlocked: (message) => ctx.print(`Waiting: ${message}`),
  };
}

async function withRunnerAt<T>(
  ctx: CommandContext,
  url: string,
  opts: { forceDataLoss: boolean; wait: boolean; defaultOrgFrom?: number | undefined },
  work: (r: MigrationRunner) => Promise<T>,
): Promise<T> {
  const runner = await MigrationRunner.open(
    migrationContext(ctx, url, opts.forceDataLoss, opts.defaultOrgFrom),
    lockOptions(ctx, opts.wait),
  );
  try {
    return await work(runner);
  } catch (err) {
    if (err instanceof MigrationLockBusyError) throw new CliError(`${err.message}; not waiting (--no-wait).`);
    throw err;
  } finally {
    await runner.close();
  }
}

function withRunner<T>(
  ctx: CommandContext,
  opts: { forceDataLoss: boolean; wait: boolean },
  work: (r: MigrationRunner) => Promise<T>,
): Promise<T> {
  return withDatabaseUrl(ctx, (url) => withRunnerAt(ctx, url, opts, work));
}

function printRecovery(ctx: CommandContext, r: Recovery | undefined): void {
  if (!r) return;
  ctx.print(
    r.action === "finished"
      ? `${r.name} had been interrupted while ${describeDirection(r.interrupted)}: finished it.`
      : `${r.name} had been interrupted while ${describeDirection(r.interrupted)}: reversed it.`,
  );
}

/** Compares the schema with the exact shape of its applied version; any difference fails the command, each named. */
async function verifyAt(ctx: CommandContext, url: string, after: string): Promise<void> {
  const result = await verifySchema(url, ctx.logger);
  const version = result.version ?? "an empty database";
  if (result.differences.length > 0) {
    throw new CliError(
      `Schema verification FAILED${after}: ${result.differences.length} difference(s) from the expected shape of ${version}:`,
      1,
      result.differences,
    );
  }
  ctx.print(`Verified: the schema is exactly that of ${version}.`);
}

export async function migrateCommand(
  ctx: CommandContext,
  opts: { to?: string | undefined; wait?: boolean; defaultOrgFrom?: string | undefined },
): Promise<void> {
  const defaultOrgFrom = parseOrgId(opts.defaultOrgFrom);
  await withDatabaseUrl(ctx, async (url) => {
    const plan = await preflightAt(ctx, url, { to: opts.to, defaultOrgFrom });
    for (const note of plan.notes) ctx.print(note);
    const runOpts = { forceDataLoss: false, wait: opts.wait ?? true, defaultOrgFrom: plan.defaultOrgFrom };
    await withRunnerAt(ctx, url, runOpts, async (r) => {
      let applied: string[];
      try {
        applied = await r.up(opts.to);
      } finally {
        printRecovery(ctx, r.recovered);
      }
      ctx.print(
        applied.length === 0 ? "Nothing to migrate: the database is at the requested version." : `Applied ${applied.length} migration(s):`,
      );
      for (const name of applied) ctx.print(`  ${name}`);
      // Still holding the migration lock: a migrator waiting behind this one cannot change the schema while it is
      // compared (it did: a rollback's catalog reads deadlocked with the next migrate's DDL, or compared half a change).
      await verifyAt(ctx, url, " after migrating");
    });
  });
}

export async function rollbackCommand(ctx: CommandContext, opts: { forceDataLoss: boolean; wait?: boolean }): Promise<void> {
  await withDatabaseUrl(ctx, async (url) => {
    await withRunnerAt(ctx, url, { forceDataLoss: opts.forceDataLoss, wait: opts.wait ?? true }, async (r) => {
      let reverted: string[];
      try {
        reverted = await r.downOne();
      } finally {
        printRecovery(ctx, r.recovered);
      }
      // Having finished or reversed an interrupted migration, the rollback stops there: its line says what it did.
      if (!r.recovered) ctx.print(reverted.length > 0 ? `Rolled back ${reverted.join(", ")}.` : "Nothing to roll back.");
      // Under the migration lock, as after migrating.
      await verifyAt(ctx, url, " after rolling back");
    });
  });
}

export async function statusCommand(ctx: CommandContext): Promise<void> {
  const status = await withRunner(ctx, { forceDataLoss: false, wait: true }, (r) => r.status());
  const last = status.applied.at(-1);
  ctx.print(`Applied: ${status.applied.length}${last ? ` (latest ${last.name}, ${last.executedAt.toISOString()})` : ""}`);
  ctx.print(status.pending.length === 0 ? "Pending: none (at head)" : `Pending: ${status.pending.length}`);
  for (const name of status.pending) ctx.print(`  ${name}`);
  const p = status.inProgress;
  if (p) {
    ctx.print(
      `INTERRUPTED: ${p.name} was started ${p.startedAt.toISOString()} while ${describeDirection(p.direction)} and has not finished. ` +
        `The next db:migrate finishes applying it${p.direction === "down" ? " again" : ""}; the next db:rollback reverses it.`,
    );
  }
}

export async function preflightCommand(
  ctx: CommandContext,
  opts: { to?: string | undefined; defaultOrgFrom?: string | undefined },
): Promise<void> {
  const defaultOrgFrom = parseOrgId(opts.defaultOrgFrom);
  await withDatabaseUrl(ctx, async (url) => {
    const plan = await preflightAt(ctx, url, { to: opts.to, defaultOrgFrom });
    for (const note of plan.notes) ctx.print(note);
    ctx.print(
      plan.pending.length === 0
        ? "Pre-flight: nothing pending."
        : `Pre-flight passed: ${plan.pending.length} pending migration(s) can run (${plan.pending[0]} … ${plan.pending.at(-1)}).`,
    );
  });
}

export async function verifyCommand(ctx: CommandContext): Promise<void> {
  await withDatabaseUrl(ctx, (url) => verifyAt(ctx, url, ""));
}
