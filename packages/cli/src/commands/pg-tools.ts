import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { CliError } from "../cli-error.ts";

const INSTALL_HINT =
  "Install the PostgreSQL client tools of the server's major version or newer " +
  "(Debian/Ubuntu: apt-get install postgresql-client-<major>; macOS: brew install libpq) or point PG_BIN_DIR at their bin folder.";

export type PgTool = "pg_dump" | "pg_restore";

/** Finds pg_dump/pg_restore and checks they can handle the server: older client tools refuse newer servers. */
export async function resolvePgTool(tool: PgTool, binDir: string | undefined, connectionString: string): Promise<string> {
  const bin = binDir ? path.join(binDir, tool) : tool;
  const probe = spawnSync(bin, ["--version"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) {
    throw new CliError(`${tool} was not found${binDir ? ` in ${binDir}` : " on PATH"}. ${INSTALL_HINT}`);
  }
  const clientMajor = Number(/(\d+)(?:\.\d+)?/.exec(probe.stdout)?.[1] ?? "0");
  const client = new pg.Client({ connectionString });
  await client.connect();
  let serverMajor: number;
  try {
    const r = await client.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
    serverMajor = Math.floor(Number(r.rows[0]?.v ?? "0") / 10_000);
  } finally {
    await client.end();
  }
  if (clientMajor < serverMajor) {
    throw new CliError(`${tool} ${clientMajor} cannot work with a PostgreSQL ${serverMajor} server. ${INSTALL_HINT}`);
  }
  return bin;
}

/** libpq settings for a child process, so the password never appears on a command line. */
export function libpqEnv(connectionString: string): NodeJS.ProcessEnv {
  const u = new URL(connectionString);
  return {
    // eslint-disable-next-line no-restricted-properties -- the child inherits PATH and locale from the parent
    ...process.env,
    PGHOST: u.hostname,
    PGPORT: u.port || "5432",
    PGUSER: decodeURIComponent(u.username),
    PGPASSWORD: decodeURIComponent(u.password),
    PGDATABASE: decodeURIComponent(u.pathname.slice(1)),
    PGSSLMODE: u.searchParams.get("sslmode") ?? "prefer",
  };
}

export async function runTool(bin: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn(bin, args, { env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve();
      else reject(new CliError(`${path.basename(bin)} failed (exit ${code}): ${stderr.trim().split("\n").slice(-3).join(" | ")}`));
    });
  });
}
