import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";

export type ServerProcess = {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Complete stdout lines so far: a line is parsed only once its newline has arrived, however the pipe chunks it. */
  stdoutLines: () => string[];
  /** Calls `listener` with each complete stdout line from now on; returns the unsubscribe. */
  onStdoutLine: (listener: (line: string) => void) => () => void;
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
  let partial = "";
  const lines: string[] = [];
  const listeners = new Set<(line: string) => void>();
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
    const parts = (partial + chunk).split("\n");
    partial = parts.pop() ?? "";
    for (const line of parts) {
      lines.push(line);
      for (const l of listeners) l(line);
    }
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
  const exited = once(child, "exit").then(([code, signal]) => (code ?? signal) as number | string);
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    stdoutLines: () => [...lines],
    onStdoutLine(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    exited,
  };
}

function listeningUrl(line: string): string | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    const parsed = JSON.parse(line) as { url?: unknown };
    return typeof parsed.url === "string" ? parsed.url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Waits for the first JSON log line on stdout that has a `url` field (the "listening" line) and returns it. Driven by
 * the process's output and exit, not by polling; `timeoutMs` only bounds a server that never says it listens, and is
 * generous because a loaded 2-core machine has taken over 20 s to start one (a crash is reported at once anyway).
 */
export async function waitForListeningUrl(proc: ServerProcess, timeoutMs = 45_000): Promise<string> {
  const seen = proc
    .stdoutLines()
    .map(listeningUrl)
    .find((u) => u !== undefined);
  if (seen !== undefined) return seen;
  const failure = (why: string) =>
    new Error(`server ${why} before logging a listening url\nstdout:\n${proc.stdout()}\nstderr:\n${proc.stderr()}`);
  let unsubscribe: () => void = () => undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<string>((resolve, reject) => {
      unsubscribe = proc.onStdoutLine((line) => {
        const url = listeningUrl(line);
        if (url !== undefined) resolve(url);
      });
      void proc.exited.then((code) => reject(failure(`exited (${code})`)));
      timer = setTimeout(() => reject(failure(`did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
  } finally {
    unsubscribe();
    clearTimeout(timer);
  }
}
