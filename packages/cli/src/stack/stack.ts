import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { acquireDatabase, MigrationRunner } from "@cleanops/db";
import pg from "pg";
import { CliError } from "../cli-error.ts";
import type { CommandContext } from "../command-context.ts";
import { appRoleUrl, randomPassword, setAppRolePassword } from "../commands/app-role-command.ts";
import { DEMO_LOGINS, seedDemo } from "./demo-seed.ts";

type AppSpec = { name: string; dir: string; port: number; note: string };

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new CliError(`${url} exited during start-up (code ${child.exitCode})`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new CliError(`${url} did not become healthy within ${timeoutMs / 1000} s`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/**
 * A signing secret kept in the git-ignored data folder, so demo tokens survive a restart of the stack. Only for this
 * local stack: production sets JWT_SECRET, and the apps refuse to start without one there.
 */
async function devJwtSecret(dataDir: string): Promise<string> {
  const file = path.join(path.dirname(dataDir), "dev-jwt-secret");
  try {
    const existing = (await readFile(file, "utf8")).trim();
    if (existing.length >= 43) return existing;
  } catch {
    // first start
  }
  const secret = randomBytes(48).toString("base64url");
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/** The whole product on one machine: database, migrations, demo data, three apps; Ctrl-C stops all of it. */
export async function startStack(ctx: CommandContext): Promise<void> {
  const { config } = ctx;
  const db = await acquireDatabase(config.db, ctx.logger);
  const children: ChildProcess[] = [];
  let stopping: Promise<void> | undefined;
  const shutdown = () => {
    stopping ??= (async () => {
      ctx.print("\nStopping the apps and the database ...");
      await Promise.all(children.map(stopChild));
      await db.release();
      ctx.print("Stopped.");
    })();
    return stopping;
  };
  const onSignal = () => void shutdown().then(() => process.exit(0));
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  try {
    const runner = await MigrationRunner.open({
      connectionString: db.url,
      logger: ctx.logger,
      lockTimeoutMs: config.db.migrations.lockTimeoutMs,
      lockRetries: config.db.migrations.lockRetries,
      forceDataLoss: false,
    });
    try {
      const applied = await runner.up();
      ctx.print(applied.length ? `Applied ${applied.length} migration(s); the database is at head.` : "The database is at head.");
    } finally {
      await runner.close();
    }
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    let appUrl = config.appDatabaseUrl;
    try {
      const { seeded } = await seedDemo(client);
      ctx.print(seeded ? "Loaded the demo data (Default org and Bright Homes)." : "Demo data already present.");
      if (!appUrl) {
        // The apps never run as the owner: they log in as the row-level-secured app role, with a password of this run.
        const password = randomPassword();
        await setAppRolePassword(client, password);
        appUrl = appRoleUrl(db.url, password);
      }
    } finally {
      await client.end();
    }

    const appsDir = path.join(config.db.repoRoot, "apps");
    const apps: AppSpec[] = [
      { name: "admin-api", dir: path.join(appsDir, "admin-api"), port: config.ports.adminApi, note: "staff back office API" },
      {
        name: "worker-portal",
        dir: path.join(appsDir, "worker-portal"),
        port: config.ports.workerPortal,
        note: "cleaners' portal (pages at /login, API at /docs)",
      },
      {
        name: "public-invoices",
        dir: path.join(appsDir, "public-invoices"),
        port: config.ports.publicInvoices,
        note: "invoice links for customers",
      },
    ];
    const jwtSecret = config.jwtSecret ?? (await devJwtSecret(config.db.embedded.dataDir));
    for (const app of apps) {
      const child = spawn(process.execPath, [path.join(app.dir, "src", "server.ts")], {
        cwd: app.dir,
        env: {
          // worker-portal's photos under the repository's .data/ unless the environment says otherwise (the spread).
          PHOTO_STORAGE_DIR: path.join(config.db.repoRoot, ".data", "photos"),
          // eslint-disable-next-line no-restricted-properties -- children inherit PATH and locale
          ...process.env,
          DATABASE_URL: appUrl,
          PORT: String(app.port),
          HOST: "127.0.0.1",
          LOG_LEVEL: config.appLogLevel,
          JWT_SECRET: jwtSecret,
        },
        stdio: ["ignore", "inherit", "inherit"],
      });
      children.push(child);
      child.on("exit", (code, signal) => {
        if (!stopping) ctx.logger.error({ app: app.name, code, signal }, `${app.name} stopped unexpectedly`);
      });
    }
    await Promise.all(apps.map((app, i) => waitForHealth(`http://127.0.0.1:${app.port}`, children[i] as ChildProcess, 30_000)));

    const where = db.embedded ? `embedded PostgreSQL, data in ${config.db.embedded.dataDir}` : "DATABASE_URL";
    ctx.print("");
    ctx.print(`CleanOps is running (${where}).`);
    for (const app of apps) ctx.print(`  ${app.name.padEnd(16)} http://127.0.0.1:${app.port}   ${app.note} (/healthz, /readyz)`);
    ctx.print("Demo logins (admin-api):");
    for (const l of DEMO_LOGINS) ctx.print(`  ${l.email.padEnd(26)} ${l.password}   ${l.note}`);
    // eslint-disable-next-line no-restricted-properties -- the children got the same environment: say where mail goes
    const smtp = process.env.SMTP_URL;
    ctx.print(
      smtp
        ? "Mail: sent through SMTP_URL."
        : `Mail: no SMTP_URL, so nothing is sent: each mail is printed below and listed at http://127.0.0.1:${config.ports.adminApi}/dev/mails`,
    );
    ctx.print("Press Ctrl-C to stop everything.");
  } catch (err) {
    await shutdown();
    throw err;
  }
  await new Promise<never>(() => undefined);
}
