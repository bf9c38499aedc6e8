#!/usr/bin/env node
import { parseArgs, type ParseArgsConfig } from "node:util";
import { createLogger } from "@cleanops/db";
import { CliError, usageError } from "./cli-error.ts";
import type { CommandContext } from "./command-context.ts";
import { memberAddCommand, orgCreateCommand, userCreateCommand } from "./commands/account-commands.ts";
import { appRoleCommand } from "./commands/app-role-command.ts";
import { backupCommand, restoreCommand } from "./commands/backup-commands.ts";
import { legacyFixtureCommand } from "./commands/fixture-command.ts";
import { migrateCommand, preflightCommand, rollbackCommand, statusCommand, verifyCommand } from "./commands/migration-commands.ts";
import { loadCliConfig } from "./config.ts";
import { subscriptionsDueRunCommand } from "./commands/subscriptions-command.ts";
import { startStack } from "./stack/stack.ts";

type Options = NonNullable<ParseArgsConfig["options"]>;
type Command = {
  summary: string;
  options: Options;
  positionals?: boolean;
  run(ctx: CommandContext, values: Record<string, string | boolean | undefined>, positionals: string[]): Promise<unknown>;
};

const str = (v: string | boolean | undefined) => (typeof v === "string" ? v : undefined);

export const COMMANDS: Record<string, Command> = {
  "db:migrate": {
    summary:
      "[--to <id prefix, e.g. 0033>] [--default-org-from ID] [--no-wait]  pre-flight, apply pending migrations (to head, or up to --to), verify",
    options: { to: { type: "string" }, "default-org-from": { type: "string" }, "no-wait": { type: "boolean" } },
    run: (ctx, v) => migrateCommand(ctx, { to: str(v.to), wait: v["no-wait"] !== true, defaultOrgFrom: str(v["default-org-from"]) }),
  },
  "db:preflight": {
    summary: "[--to <id prefix>] [--default-org-from ID]  list every problem that would stop the pending migrations (changes nothing)",
    options: { to: { type: "string" }, "default-org-from": { type: "string" } },
    run: (ctx, v) => preflightCommand(ctx, { to: str(v.to), defaultOrgFrom: str(v["default-org-from"]) }),
  },
  "db:rollback": {
    summary: "[--force-data-loss] [--no-wait]  revert the last applied migration (one step)",
    options: { "force-data-loss": { type: "boolean" }, "no-wait": { type: "boolean" } },
    run: (ctx, v) => rollbackCommand(ctx, { forceDataLoss: v["force-data-loss"] === true, wait: v["no-wait"] !== true }),
  },
  "db:status": {
    summary: "show applied and pending migrations, and an interrupted one",
    options: {},
    run: (ctx) => statusCommand(ctx),
  },
  "db:verify": {
    summary: "compare the schema with the exact shape of its applied version, naming every difference",
    options: {},
    run: (ctx) => verifyCommand(ctx),
  },
  "db:backup": {
    summary: "[--out FILE]  pg_dump -Fc of the database, with a manifest to verify restores",
    options: { out: { type: "string" } },
    run: (ctx, v) => backupCommand(ctx, { out: str(v.out) }),
  },
  "db:restore": {
    summary: "FILE [--clean]  pg_restore a backup and verify its catalog, privileges and every table's rows",
    options: { clean: { type: "boolean" } },
    positionals: true,
    run: (ctx, v, p) => restoreCommand(ctx, { file: p[0], clean: v.clean === true }),
  },
  "db:app-role": {
    summary: "[--password P]  let the apps' database role (cleanops_app) log in with this password",
    options: { password: { type: "string" } },
    run: (ctx, v) => appRoleCommand(ctx, { password: str(v.password) }),
  },
  "db:legacy-fixture": {
    summary: "--rows N  fill a legacy (0033) database with N bookings and related rows in every table",
    options: { rows: { type: "string" } },
    run: (ctx, v) => legacyFixtureCommand(ctx, { rows: str(v.rows) }),
  },
  "org:create": {
    summary: "--name NAME [--slug S] [--id UUID]  create an organization with its billing stub",
    options: { name: { type: "string" }, slug: { type: "string" }, id: { type: "string" } },
    run: (ctx, v) => orgCreateCommand(ctx, { name: str(v.name), slug: str(v.slug), id: str(v.id) }),
  },
  "user:create": {
    summary: "--email E [--name N] [--password P]  create a staff user (prompts for the password if not given)",
    options: { email: { type: "string" }, name: { type: "string" }, password: { type: "string" } },
    run: (ctx, v) => userCreateCommand(ctx, { email: str(v.email), name: str(v.name), password: str(v.password) }),
  },
  "member:add": {
    summary: "--org ID_OR_SLUG --email E --role owner|admin|dispatcher|finance  grant a user a role in an org",
    options: { org: { type: "string" }, email: { type: "string" }, role: { type: "string" } },
    run: (ctx, v) => memberAddCommand(ctx, { org: str(v.org), email: str(v.email), role: str(v.role) }),
  },
  "subscriptions:due-run": {
    summary: "[--date YYYY-MM-DD]  book every org's due recurring bookings up to the date (default today, UTC), once each",
    options: { date: { type: "string" } },
    run: (ctx, v) => subscriptionsDueRunCommand(ctx, { date: str(v.date) }),
  },
  stack: {
    summary: "[--no-demo]  start the database, migrate, load demo data once (unless --no-demo), and run the three apps",
    options: { "no-demo": { type: "boolean" } },
    run: (ctx, v) => startStack(ctx, { demo: v["no-demo"] !== true }),
  },
};

function help(): string {
  const lines = ["Usage: pnpm cli <command> [options]", ""];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(18)} ${c.summary}`);
  return lines.join("\n");
}

export async function runCommand(argv: string[], ctx: CommandContext): Promise<void> {
  const [name, ...rest] = argv;
  if (!name || name === "help" || name === "--help") {
    ctx.print(help());
    return;
  }
  const command = COMMANDS[name];
  if (!command) throw usageError(`Unknown command "${name}"`);
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: command.options, allowPositionals: command.positionals ?? false, strict: true });
  } catch (err) {
    throw usageError(`${name}: ${(err as Error).message}`);
  }
  await command.run(ctx, parsed.values as Record<string, string | boolean | undefined>, parsed.positionals);
}

async function main(): Promise<void> {
  let ctx: CommandContext;
  try {
    const config = loadCliConfig();
    ctx = {
      config,
      logger: createLogger(config.db.logLevel, "cli", { fd: 2, pretty: process.stderr.isTTY === true }),
      print: (line) => process.stdout.write(`${line}\n`),
      interactive: process.stdout.isTTY === true && process.stdin.isTTY === true,
    };
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n`);
    process.exit(1);
  }
  try {
    await runCommand(process.argv.slice(2), ctx);
  } catch (err) {
    const exitCode = err instanceof CliError ? err.exitCode : 1;
    const message = err instanceof Error ? err.message.split("\n")[0] : String(err);
    process.stderr.write(`error: ${message}\n`);
    if (err instanceof CliError) for (const detail of err.details) process.stderr.write(`  ${detail}\n`);
    if (!(err instanceof CliError)) ctx.logger.debug({ err }, "command failed");
    process.exit(exitCode);
  }
}

if (import.meta.main) await main();
