import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { acquireDatabase, MigrationRunner } from "@cleanops/db";
import { SERVER_NODE_FLAGS } from "@cleanops/http/node-flags";
import pg from "pg";
import { CliError } from "../cli-error.ts";
import type { CommandContext } from "../command-context.ts";
import { appRoleUrl, randomPassword, setAppRolePassword } from "../commands/app-role-command.ts";
import { ensureAdminWebBuilt, spawnAdminWeb } from "./admin-web.ts";
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

/**
 * The whole product on one machine: database, migrations, demo data, three apps and admin-web; Ctrl-C stops all of it.
 * `demo: false` (`pnpm start --no-demo`) starts on a database as it is, e.g. a legacy one just migrated: the demo orgs
 * and logins would otherwise be mixed into the operator's real data.
 */
export async function startStack(ctx: CommandContext, options: { demo?: boolean } = {}): Promise<void> {
  const demo = options.demo ?? true;
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
      if (demo) {
        const { seeded } = await seedDemo(client);
        ctx.print(seeded ? "Loaded the demo data (Default org and Bright Homes)." : "Demo data already present.");
      } else {
        ctx.print("No demo data loaded (--no-demo).");
      }
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
    const webDir = path.join(appsDir, "admin-web");
    await ensureAdminWebBuilt(webDir, ctx.print);
    for (const app of apps) {
      const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, path.join(app.dir, "src", "server.ts")], {
        cwd: app.dir,
        env: {
          // worker-portal's photos under the repository's .data/ unless the environment says otherwise (the spread).
          PHOTO_STORAGE_DIR: path.join(config.db.repoRoot, ".data", "photos"),
          // admin-api's invoice links point at this stack's public-invoices, on whatever port it was given.
          PUBLIC_INVOICES_URL: `http://127.0.0.1:${config.ports.publicInvoices}`,
          // account mails link to admin-web's pages (reset, verification, invitation) on this stack's port.
          WEB_APP_URL: `http://127.0.0.1:${config.ports.adminWeb}`,
          // admin-web's proxy (on this machine) forwards each browser's address; believe loopback hops only.
          ...(app.name === "admin-api" ? { TRUST_PROXY: "loopback" } : {}),
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
    await Promise.all(apps.map((app, i) => waitForHealth(`http://127.0.0.1:${app.port}`, children[i] as ChildProcess, 120_000)));
    // admin-web: the office's browser app, at its own origin with /api/* passed to admin-api.
    const web = spawnAdminWeb(webDir, {
      // eslint-disable-next-line no-restricted-properties -- children inherit PATH and locale
      ...process.env,
      PORT: String(config.ports.adminWeb),
      HOST: "127.0.0.1",
      ADMIN_API_URL: `http://127.0.0.1:${config.ports.adminApi}`,
    });
    children.push(web);
    web.on("exit", (code, signal) => {
      if (!stopping) ctx.logger.error({ app: "admin-web", code, signal }, "admin-web stopped unexpectedly");
    });
    await waitForHealth(`http://127.0.0.1:${config.ports.adminWeb}`, web, 120_000);

    const where = db.embedded ? `embedded PostgreSQL, data in ${config.db.embedded.dataDir}` : "DATABASE_URL";
    ctx.print("");
    ctx.print(`CleanOps is running (${where}).`);
    ctx.print(
      `  ${"admin-web".padEnd(16)} http://127.0.0.1:${config.ports.adminWeb}   the office app: open this, sign in with a demo login below`,
    );
    for (const app of apps) ctx.print(`  ${app.name.padEnd(16)} http://127.0.0.1:${app.port}   ${app.note} (/healthz, /readyz)`);
    if (demo) {
      ctx.print("Demo logins (admin-web and admin-api):");
      for (const l of DEMO_LOGINS) ctx.print(`  ${l.email.padEnd(26)} ${l.password}   ${l.note}`);
    }
    ctx.print(
      config.mailConfigured
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
