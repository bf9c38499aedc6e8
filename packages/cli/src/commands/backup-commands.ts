import { createHash } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { z } from "zod";
import { CliError } from "../cli-error.ts";
import type { CommandContext } from "../command-context.ts";
import { libpqEnv, resolvePgTool, runTool } from "./pg-tools.ts";
import { withDatabaseUrl } from "./with-database.ts";

const manifestSchema = z.object({
  format: z.literal("cleanops-backup/1"),
  createdAt: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
  migrations: z.array(z.string()),
  tables: z.record(z.string(), z.number().int().nonnegative()),
});
export type BackupManifest = z.infer<typeof manifestSchema>;

const manifestPath = (file: string) => `${file}.manifest.json`;

async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** Exact row counts of every table and the applied migrations: what a restore must reproduce. */
async function inventory(connectionString: string): Promise<{ tables: Record<string, number>; migrations: string[] }> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const tables = await client.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 1`,
    );
    const counts: Record<string, number> = {};
    for (const { name } of tables.rows) {
      const r = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${pg.escapeIdentifier(name)}`);
      counts[name] = r.rows[0]?.n ?? 0;
    }
    const hasMigrations = tables.rows.some((t) => t.name === "mikro_orm_migrations");
    const migrations = hasMigrations
      ? (await client.query<{ name: string }>(`SELECT name FROM mikro_orm_migrations ORDER BY id`)).rows.map((r) => r.name)
      : [];
    return { tables: counts, migrations };
  } finally {
    await client.end();
  }
}

export async function backupCommand(ctx: CommandContext, opts: { out?: string | undefined }): Promise<string> {
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const file = path.resolve(opts.out ?? path.join(ctx.config.db.repoRoot, "backups", `cleanops-${stamp}.dump`));
  await withDatabaseUrl(ctx, async (url) => {
    const bin = await resolvePgTool("pg_dump", ctx.config.pgBinDir, url);
    await mkdir(path.dirname(file), { recursive: true });
    // Counted in the same state the dump captures: the playbook has the application stopped during a backup.
    const inv = await inventory(url);
    ctx.print(`Backing up ${Object.keys(inv.tables).length} tables to ${file} ...`);
    await runTool(bin, ["--format=custom", "--no-owner", "--no-privileges", `--file=${file}`], libpqEnv(url));
    const manifest: BackupManifest = {
      format: "cleanops-backup/1",
      createdAt: new Date().toISOString(),
      sha256: await sha256File(file),
      bytes: (await stat(file)).size,
      migrations: inv.migrations,
      tables: inv.tables,
    };
    await writeFile(manifestPath(file), `${JSON.stringify(manifest, null, 2)}\n`);
    const rows = Object.values(inv.tables).reduce((a, b) => a + b, 0);
    ctx.print(`Backup written: ${file} (${manifest.bytes} bytes, ${rows} rows, sha256 ${manifest.sha256.slice(0, 12)}…)`);
    ctx.print(`Manifest: ${manifestPath(file)}`);
  });
  return file;
}

export async function restoreCommand(ctx: CommandContext, opts: { file?: string | undefined; clean: boolean }): Promise<void> {
  if (!opts.file) throw new CliError("db:restore needs the backup file: pnpm db:restore FILE", 2);
  const file = path.resolve(opts.file);
  if (!existsSync(file)) throw new CliError(`No backup file at ${file}`);
  if (!existsSync(manifestPath(file))) {
    throw new CliError(`No manifest beside the backup (${manifestPath(file)}): cannot verify a restore, so none is attempted`);
  }
  const parsed = manifestSchema.safeParse(JSON.parse(await readFile(manifestPath(file), "utf8")));
  if (!parsed.success) throw new CliError(`The manifest ${manifestPath(file)} is not a cleanops backup manifest`);
  const manifest = parsed.data;
  if ((await sha256File(file)) !== manifest.sha256) {
    throw new CliError(`The backup file does not match its manifest's checksum: it is damaged or not the file that was written`);
  }

  await withDatabaseUrl(ctx, async (url) => {
    const bin = await resolvePgTool("pg_restore", ctx.config.pgBinDir, url);
    const current = await inventory(url);
    if (Object.keys(current.tables).length > 0 && !opts.clean) {
      throw new CliError(
        `The target database is not empty (${Object.keys(current.tables).length} tables). Pass --clean to replace its contents with the backup`,
      );
    }
    ctx.print(`Restoring ${file} ...`);
    await runTool(
      bin,
      [
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        ...(opts.clean ? ["--clean", "--if-exists"] : []),
        `--dbname=${new URL(url).pathname.slice(1)}`,
        file,
      ],
      libpqEnv(url),
    );
    const after = await inventory(url);
    const problems: string[] = [];
    for (const [table, rows] of Object.entries(manifest.tables)) {
      if (after.tables[table] !== rows) problems.push(`${table}: expected ${rows} rows, found ${after.tables[table] ?? "no table"}`);
    }
    if (after.migrations.join(",") !== manifest.migrations.join(",")) problems.push("applied migrations differ from the backup's");
    if (problems.length > 0) throw new CliError(`Restore verification FAILED: ${problems.join("; ")}`);
    const rows = Object.values(manifest.tables).reduce((a, b) => a + b, 0);
    ctx.print(
      `Restore verified: ${Object.keys(manifest.tables).length} tables and ${rows} rows match the backup; ${manifest.migrations.length} migrations applied.`,
    );
  });
}
