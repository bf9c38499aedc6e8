import { fillLegacyFixture, LEGACY_HEAD, MIGRATION_NAMES, plannedFixtureCounts } from "@cleanops/db";
import cliProgress from "cli-progress";
import { CliError } from "../cli-error.ts";
import type { CommandContext } from "../command-context.ts";
import { withClient } from "./with-database.ts";

export type ProgressReporter = { update(done: number, table: string): void; stop(): void };

/** A bar on a terminal; otherwise a log line every tenth of the way. */
export function createProgress(ctx: CommandContext, label: string, total: number): ProgressReporter {
  if (ctx.interactive) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {percentage}% | {value}/{total} rows | {table} | ETA {eta_formatted}`, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { table: "" });
    return { update: (done, table) => bar.update(done, { table }), stop: () => bar.stop() };
  }
  let nextReport = 0.1;
  return {
    update(done, table) {
      if (done / total >= nextReport) {
        ctx.logger.info({ done, total, table }, `${label}: ${Math.floor((done / total) * 100)}%`);
        nextReport = Math.floor((done / total) * 10) / 10 + 0.1;
      }
    },
    stop: () => undefined,
  };
}

export async function legacyFixtureCommand(ctx: CommandContext, opts: { rows?: string | undefined }): Promise<void> {
  const bookings = Number(opts.rows);
  if (!opts.rows || !Number.isInteger(bookings) || bookings < 1 || bookings > 50_000_000) {
    throw new CliError("db:legacy-fixture needs --rows N (a whole number of bookings, 1 to 50,000,000)", 2);
  }
  await withClient(ctx, async (client) => {
    const applied = await client
      .query<{ name: string }>(`SELECT name FROM mikro_orm_migrations ORDER BY id`)
      .then((r) => r.rows.map((x) => x.name))
      .catch(() => [] as string[]);
    const legacyIndex = MIGRATION_NAMES.indexOf(LEGACY_HEAD);
    if (applied.at(-1) !== LEGACY_HEAD || applied.length !== legacyIndex + 1) {
      throw new CliError(
        `The fixture fills a legacy database at ${LEGACY_HEAD}; this one is at ${applied.at(-1) ?? "no migrations"}. ` +
          `Use an empty database and run: pnpm db:migrate --to 0033`,
      );
    }
    const existing = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM bookings`);
    if ((existing.rows[0]?.n ?? 0) > 0) throw new CliError("The legacy database already has bookings; the fixture needs an empty one");

    const planned = plannedFixtureCounts(bookings);
    const total = Object.values(planned).reduce((a, b) => a + b, 0);
    const progress = createProgress(ctx, "legacy fixture", total);
    const doneByTable = new Map<string, number>();
    const started = performance.now();
    let counts;
    try {
      counts = await fillLegacyFixture(client, {
        bookings,
        onProgress: ({ table, done }) => {
          doneByTable.set(table, done);
          progress.update(
            [...doneByTable.values()].reduce((a, b) => a + b, 0),
            table,
          );
        },
      });
    } finally {
      progress.stop();
    }
    const rows = Object.values(counts).reduce((a, b) => a + b, 0);
    ctx.print(
      `Filled ${Object.keys(counts).length} tables with ${rows} rows (${bookings} bookings) in ${((performance.now() - started) / 1000).toFixed(1)} s.`,
    );
  });
}
