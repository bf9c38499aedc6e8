import { createHash } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { z } from "zod";
import {
  APP_ROLE,
  checksumAllTables,
  createRolesSql,
  describeDifferences,
  PLATFORM_ROLE,
  snapshotCatalog,
  withDatabaseName,
} from "@cleanops/db";
import { CliError } from "../cli-error.ts";
import type { CommandContext } from "../command-context.ts";
import { libpqEnv, resolvePgTool, runTool } from "./pg-tools.ts";
import { withDatabaseUrl } from "./with-database.ts";

const manifestSchema = z.object({
  format: z.literal("cleanops-backup/2"),
  createdAt: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
  /** The login that owned the objects when they were dumped. */
  owner: z.string(),
  migrations: z.array(z.string()),
  /** Row count and digest of every table's rows. */
  tables: z.record(z.string(), z.object({ rows: z.number().int().nonnegative(), checksum: z.string() })),
  /** The catalog (tables, columns, constraints, indexes, policies, RLS flags, ACLs) as `snapshotCatalog` reads it. */
  catalog: z.record(z.string(), z.unknown()),
});
export type BackupManifest = z.infer<typeof manifestSchema>;

const manifestPath = (file: string) => `${file}.manifest.json`;

async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

type Inventory = Pick<BackupManifest, "owner" | "migrations" | "tables" | "catalog">;

/** The catalog, every table's rows (count and digest) and the applied migrations: what a restore must reproduce. */
async function inventory(connectionString: string): Promise<Inventory> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const owner = (await client.query<{ u: string }>("SELECT current_user AS u")).rows[0]?.u ?? "";
    const tables = await checksumAllTables(client);
    const migrations =
      "mikro_orm_migrations" in tables
        ? (await client.query<{ name: string }>(`SELECT name FROM mikro_orm_migrations ORDER BY id`)).rows.map((r) => r.name)
        : [];
    const catalog = (await snapshotCatalog(client)) as unknown as Record<string, unknown>;
    return { owner, migrations, tables, catalog };
  } finally {
    await client.end();
  }
}

/**
 * Every way the database at `url` differs from the backup's manifest: catalog (schema, row security, privileges),
 * rows of each table (count and digest), applied migrations. Empty when the restore gave back the same database.
 */
export async function verifyRestore(url: string, manifest: BackupManifest): Promise<string[]> {
  const after = await inventory(url);
  return [
    ...describeDifferences(manifest.catalog, after.catalog, "catalog"),
    ...describeDifferences(manifest.tables, after.tables, "rows"),
    ...(after.migrations.join(",") === manifest.migrations.join(",") ? [] : ["applied migrations differ from the backup's"]),
  ];
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
    // With owners and privileges: the GRANTs to cleanops_app and the REVOKE FROM PUBLIC on
    // resolve_invoice_public_token are part of what keeps one org from another, a restore must give them back.
    await runTool(bin, ["--format=custom", `--file=${file}`], libpqEnv(url));
    const manifest: BackupManifest = {
      format: "cleanops-backup/2",
      createdAt: new Date().toISOString(),
      sha256: await sha256File(file),
      bytes: (await stat(file)).size,
      ...inv,
    };
    await writeFile(manifestPath(file), `${JSON.stringify(manifest, null, 2)}\n`);
    const rows = Object.values(inv.tables).reduce((a, b) => a + b.rows, 0);
    ctx.print(`Backup written: ${file} (${manifest.bytes} bytes, ${rows} rows, sha256 ${manifest.sha256.slice(0, 12)}…)`);
    ctx.print(`Manifest: ${manifestPath(file)}`);
  });
  return file;
}

const MAX_NAME = 63;
const stampName = (base: string, suffix: string) => `${base.slice(0, MAX_NAME - suffix.length)}${suffix}`;

/** Restores into a new database beside `url`, verifies it, then swaps names; returns the name the old database now has. */
async function restoreAside(
  ctx: CommandContext,
  url: string,
  manifest: BackupManifest,
  restoreInto: (targetUrl: string) => Promise<void>,
): Promise<string> {
  const target = decodeURIComponent(new URL(url).pathname.slice(1));
  const stamp = new Date()
    .toISOString()
    .replace(/[-:TZ.]/g, "")
    .slice(0, 14);
  const fresh = stampName(target, `_restore_${stamp}`);
  const kept = stampName(target, `_before_restore_${stamp}`);
  const admin = new pg.Client({ connectionString: withDatabaseName(url, "postgres"), application_name: "cleanops-restore" });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(fresh)} TEMPLATE template0`);
    const freshUrl = withDatabaseName(url, fresh);
    try {
      ctx.print(`Restoring into a new database ${fresh} ...`);
      await restoreInto(freshUrl);
      const problems = await verifyRestore(freshUrl, manifest);
      if (problems.length > 0) {
        ctx.print(`${target} was not touched; the new database ${fresh} is dropped.`);
        throw new CliError(`Restore verification FAILED (${problems.length} differences from the backup):`, 1, problems);
      }
    } catch (err) {
      await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(fresh)} WITH (FORCE)`).catch(() => undefined);
      throw err;
    }
    // No new session may slip in between the last one ending and the rename (which needs the database unused).
    await admin.query(`ALTER DATABASE ${pg.escapeIdentifier(target)} ALLOW_CONNECTIONS false`);
    try {
      const ended = await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
        [target],
      );
      if ((ended.rowCount ?? 0) > 0) ctx.print(`Ended ${ended.rowCount} session(s) still connected to ${target}.`);
      // pg_terminate_backend only signals: wait (bounded) until the sessions are gone.
      for (let i = 0; i < 100; i++) {
        const left = await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1`, [target]);
        if ((left.rows[0]?.n ?? 0) === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await admin.query("BEGIN");
      await admin.query(`ALTER DATABASE ${pg.escapeIdentifier(target)} RENAME TO ${pg.escapeIdentifier(kept)}`);
      await admin.query(`ALTER DATABASE ${pg.escapeIdentifier(fresh)} RENAME TO ${pg.escapeIdentifier(target)}`);
      await admin.query("COMMIT");
    } catch (err) {
      await admin.query("ROLLBACK").catch(() => undefined);
      await admin.query(`ALTER DATABASE ${pg.escapeIdentifier(target)} ALLOW_CONNECTIONS true`).catch(() => undefined);
      throw new CliError(
        `The backup was restored and verified in ${fresh}, but it could not take the name ${target}: ${(err as Error).message}. ` +
          `Stop every client of ${target} and run: ALTER DATABASE ${target} RENAME TO ${kept}; ALTER DATABASE ${fresh} RENAME TO ${target};`,
      );
    }
    await admin.query(`ALTER DATABASE ${pg.escapeIdentifier(kept)} ALLOW_CONNECTIONS true`);
    return kept;
  } finally {
    await admin.end();
  }
}

export async function restoreCommand(ctx: CommandContext, opts: { file?: string | undefined; clean: boolean }): Promise<void> {
  if (!opts.file) throw new CliError("db:restore needs the backup file: pnpm db:restore FILE", 2);
  const file = path.resolve(opts.file);
  if (!existsSync(file)) throw new CliError(`No backup file at ${file}`);
  if (!existsSync(manifestPath(file))) {
    throw new CliError(`No manifest beside the backup (${manifestPath(file)}): cannot verify a restore, so none is attempted`);
  }
  const raw: unknown = JSON.parse(await readFile(manifestPath(file), "utf8"));
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const format = typeof raw === "object" && raw !== null && "format" in raw ? String(raw.format) : "none";
    throw new CliError(
      format === "cleanops-backup/1"
        ? `The manifest ${manifestPath(file)} is of an older format (row counts only): it cannot verify a restore, take a new backup`
        : `The manifest ${manifestPath(file)} is not a cleanops backup manifest`,
    );
  }
  const manifest = parsed.data;
  if ((await sha256File(file)) !== manifest.sha256) {
    throw new CliError(`The backup file does not match its manifest's checksum: it is damaged or not the file that was written`);
  }

  await withDatabaseUrl(ctx, async (url) => {
    const bin = await resolvePgTool("pg_restore", ctx.config.pgBinDir, url);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    let keepOwners: boolean;
    let restorer: string;
    let existing: number;
    try {
      const tables = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r'`,
      );
      existing = tables.rows[0]?.n ?? 0;
      if (existing > 0 && !opts.clean) {
        throw new CliError(`The target database is not empty (${existing} tables). Pass --clean to replace its contents with the backup`);
      }
      // The roles the dump's policies and GRANTs name, created (when missing) exactly as migration 0037 does.
      try {
        await client.query(createRolesSql());
      } catch (error) {
        throw new CliError(
          `Cannot create the roles the backup needs (${APP_ROLE}, ${PLATFORM_ROLE}): ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      const me = await client.query<{ user: string; superuser: boolean; owner_exists: boolean }>(
        `SELECT current_user AS user, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser,
                EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AS owner_exists`,
        [manifest.owner],
      );
      const row = me.rows[0];
      restorer = row?.user ?? "";
      // The dump's owner is kept when this login is that owner, or a superuser on a server that has that role;
      // otherwise this login owns what it restores (privileges of everyone else still come back).
      keepOwners = restorer === manifest.owner || (row?.superuser === true && row.owner_exists);
    } finally {
      await client.end();
    }
    if (!keepOwners) ctx.print(`The backup's owner ${manifest.owner} cannot be kept here: ${restorer} owns the restored objects.`);
    const restoreInto = async (targetUrl: string) => {
      await runTool(
        bin,
        [
          ...(keepOwners ? [] : ["--no-owner"]),
          "--exit-on-error",
          "--single-transaction",
          `--dbname=${new URL(targetUrl).pathname.slice(1)}`,
          file,
        ],
        libpqEnv(targetUrl),
      );
    };
    if (existing === 0) {
      ctx.print(`Restoring ${file} ...`);
      await restoreInto(url);
    } else {
      // In place: pg_restore --clean cannot drop a migrated schema whose objects depend on each other differently
      // from the dump's. The backup goes into a fresh database instead, is verified there, and only then takes the
      // target's name, in one transaction; the replaced database is kept under another name until the operator drops it.
      const kept = await restoreAside(ctx, url, manifest, restoreInto);
      ctx.print(`The database as it was before the restore is kept as ${kept}; drop it once you are satisfied: DROP DATABASE ${kept};`);
    }
    const problems = await verifyRestore(url, manifest);
    if (problems.length > 0) {
      throw new CliError(`Restore verification FAILED (${problems.length} differences from the backup):`, 1, problems);
    }
    const rows = Object.values(manifest.tables).reduce((a, b) => a + b.rows, 0);
    ctx.print(
      `Restore verified: ${Object.keys(manifest.tables).length} tables and ${rows} rows match the backup (row checksums, catalog and privileges); ${manifest.migrations.length} migrations applied.`,
    );
  });
}
