import { acquireDatabase, describeConnectionError } from "@cleanops/db";
import pg from "pg";
import { CliError } from "../cli-error.ts";
import type { CommandContext } from "../command-context.ts";

/** Runs `work` against DATABASE_URL or the embedded database, started for the command and stopped after it. */
export async function withDatabaseUrl<T>(ctx: CommandContext, work: (url: string) => Promise<T>): Promise<T> {
  let handle;
  try {
    handle = await acquireDatabase(ctx.config.db, ctx.logger);
  } catch (err) {
    throw new CliError(describeConnectionError(err, ctx.config.db.databaseUrl ?? "embedded") ?? (err as Error).message);
  }
  try {
    return await work(handle.url);
  } catch (err) {
    const line = describeConnectionError(err, handle.url);
    if (line) throw new CliError(line);
    throw err;
  } finally {
    await handle.release();
  }
}

export async function withClient<T>(ctx: CommandContext, work: (client: pg.Client) => Promise<T>): Promise<T> {
  return withDatabaseUrl(ctx, async (url) => {
    const client = new pg.Client({ connectionString: url, application_name: "cleanops-cli" });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  });
}
