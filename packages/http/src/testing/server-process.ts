import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";

export type ServerProcess = {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (or the signal name) once the process is gone. */
  exited: Promise<number | string>;
};

/**
 * Runs a service entry point (`node src/server.ts`) with exactly `env`: nothing leaks in from the test runner's
 * environment, so a DATABASE_URL set for the test run cannot stand in for a missing one.
 */
export function spawnServer(entry: string, env: Record<string, string>): ServerProcess {
  const child = spawn(process.execPath, [entry], { env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
  const exited = once(child, "exit").then(([code, signal]) => (code ?? signal) as number | string);
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Waits for the first JSON log line on stdout that has a `url` field (the "listening" line) and returns it. */
export async function waitForListeningUrl(proc: ServerProcess, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const line of proc.stdout().split("\n")) {
      if (!line.startsWith("{")) continue;
      const parsed = JSON.parse(line) as { url?: unknown };
      if (typeof parsed.url === "string") return parsed.url;
    }
    if (proc.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`server did not log a listening url\nstdout:\n${proc.stdout()}\nstderr:\n${proc.stderr()}`);
}
