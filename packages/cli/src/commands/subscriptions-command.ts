import { endOfUtcDay, occurrenceDate, runDueSubscriptionsEveryOrg } from "@cleanops/db";
import { usageError } from "../cli-error.ts";
import type { CommandContext } from "../command-context.ts";
import { withDatabaseUrl } from "./with-database.ts";

/**
 * `subscriptions:due-run [--date YYYY-MM-DD]`: books every active org's due occurrences up to the date (default
 * today, UTC), one line per org. Safe to run as often as the operator likes, also while another run is going: each
 * occurrence is booked once (see runDueSubscriptions).
 */
export async function subscriptionsDueRunCommand(ctx: CommandContext, options: { date?: string | undefined }): Promise<void> {
  const date = options.date ?? occurrenceDate(new Date());
  try {
    endOfUtcDay(date);
  } catch {
    throw usageError(`subscriptions:due-run: --date must be a calendar date as YYYY-MM-DD, got "${date}"`);
  }
  await withDatabaseUrl(ctx, async (url) => {
    let created = 0;
    let orgs = 0;
    await runDueSubscriptionsEveryOrg(url, date, (org, result) => {
      if (!result) {
        ctx.print(`${org.orgId} ${org.slug}: ${org.status}, skipped`);
        return;
      }
      orgs++;
      created += result.created;
      ctx.print(
        `${org.orgId} ${org.slug}: due ${result.due}, created ${result.created}, already booked ${result.existing}, skipped ${result.skipped}`,
      );
    });
    ctx.print(`due-run ${date}: ${created} booking(s) created in ${orgs} org(s)`);
  });
}
