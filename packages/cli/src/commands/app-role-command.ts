import { randomBytes } from "node:crypto";
import { APP_ROLE } from "@cleanops/db";
import type pg from "pg";
import { CliError } from "../cli-error.ts";
import type { CommandContext } from "../command-context.ts";
import { promptHidden } from "./prompt.ts";
import { withClient } from "./with-database.ts";

/** Lets the application role log in with `password`; run as the owner (it needs CREATEROLE or superuser). */
export async function setAppRolePassword(client: pg.ClientBase, password: string): Promise<void> {
  const exists = await client.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [APP_ROLE]);
  if (exists.rowCount === 0) throw new CliError(`The role ${APP_ROLE} does not exist yet: run pnpm db:migrate first`);
  try {
    // ALTER ROLE takes no bind parameters; the literal is escaped by the driver.
    await client.query(`ALTER ROLE ${APP_ROLE} LOGIN PASSWORD ${client.escapeLiteral(password)}`);
  } catch (err) {
    if ((err as { code?: string }).code === "42501") {
      throw new CliError(`This database user may not change ${APP_ROLE}'s password: ask a superuser, or set APP_DATABASE_URL`);
    }
    throw err;
  }
}

/** The application's connection string: the owner's URL with the app role's credentials. */
export function appRoleUrl(ownerUrl: string, password: string): string {
  const u = new URL(ownerUrl);
  u.username = APP_ROLE;
  u.password = password;
  return u.toString();
}

export const randomPassword = (): string => randomBytes(24).toString("base64url");

export async function appRoleCommand(
  ctx: CommandContext,
  opts: { password?: string | undefined },
  readPassword: (question: string) => Promise<string> = promptHidden,
): Promise<void> {
  let password = opts.password;
  if (password === undefined) {
    if (!ctx.interactive) throw new CliError("db:app-role: no --password given and no terminal to prompt on", 2);
    password = await readPassword(`Password for ${APP_ROLE}: `);
  }
  if (password.length < 16) throw new CliError("The application role's password must be at least 16 characters");
  const pw = password;
  await withClient(ctx, (c) => setAppRolePassword(c, pw));
  ctx.print(`${APP_ROLE} can log in now. Give the apps DATABASE_URL=postgres://${APP_ROLE}:<password>@<host>:<port>/<database>`);
}
