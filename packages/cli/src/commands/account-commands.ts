import { hashPassword } from "@cleanops/auth";
import {
  addMembership,
  createOrganization,
  createUser,
  newPasswordProblem,
  normalizeEmail,
  PlatformInputError,
  withTransaction,
} from "@cleanops/db";
import { CliError } from "../cli-error.ts";
import type { CommandContext } from "../command-context.ts";
import { promptHidden } from "./prompt.ts";
import { withClient } from "./with-database.ts";

async function platform<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof PlatformInputError) throw new CliError(err.message);
    throw err;
  }
}

export async function orgCreateCommand(
  ctx: CommandContext,
  opts: { name?: string | undefined; slug?: string | undefined; id?: string | undefined },
): Promise<void> {
  if (!opts.name) throw new CliError("org:create needs --name", 2);
  const name = opts.name;
  const org = await withClient(ctx, (c) =>
    platform(() => withTransaction(c, () => createOrganization(c, { name, slug: opts.slug, id: opts.id }))),
  );
  ctx.print(`Created organization ${org.name}`);
  ctx.print(`  org_id: ${org.orgId}`);
  ctx.print(`  slug:   ${org.slug}`);
  ctx.print(`  with a free-plan billing stub and invoice numbering (prefix INV)`);
}

export async function userCreateCommand(
  ctx: CommandContext,
  opts: { email?: string | undefined; name?: string | undefined; password?: string | undefined },
  readPassword: (question: string) => Promise<string> = promptHidden,
): Promise<void> {
  if (!opts.email) throw new CliError("user:create needs --email", 2);
  const email = await platform(() => Promise.resolve(normalizeEmail(opts.email ?? "")));
  let password = opts.password;
  if (password === undefined) {
    if (!ctx.interactive) throw new CliError("user:create: no --password given and no terminal to prompt on", 2);
    password = await readPassword(`Password for ${email}: `);
    const again = await readPassword("Repeat it: ");
    if (again !== password) throw new CliError("The passwords do not match; nothing was created");
  }
  const problem = newPasswordProblem(password);
  if (problem) throw new CliError(`${problem}; nothing was created`);
  const passwordHash = await hashPassword(password);
  const user = await withClient(ctx, (c) => platform(() => createUser(c, { email, name: opts.name, passwordHash })));
  ctx.print(`Created user ${user.email}${user.name ? ` (${user.name})` : ""}`);
  ctx.print(`  user_id: ${user.id}`);
  ctx.print(`  add them to an organization: pnpm cli member:add --org <id or slug> --email ${user.email} --role owner`);
}

export async function memberAddCommand(
  ctx: CommandContext,
  opts: { org?: string | undefined; email?: string | undefined; role?: string | undefined },
): Promise<void> {
  const { org, email, role } = opts;
  if (!org || !email || !role) throw new CliError("member:add needs --org, --email and --role", 2);
  const result = await withClient(ctx, (c) => platform(() => addMembership(c, { org, email, role })));
  ctx.print(
    `${result.restored ? "Restored" : "Created"} membership: ${result.user.email} is ${result.membership.role} of ${result.organization.name} (${result.organization.slug})`,
  );
  ctx.print(`  membership_id: ${result.membership.id}`);
  ctx.print(`  org_id:        ${result.organization.orgId}`);
}
