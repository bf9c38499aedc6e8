import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));

export type CliRun = {
  /** Complete stdout lines so far (a partial line is held back until its newline arrives). */
  lines(): string[];
  /** Resolves with the first complete stdout line matching `pattern`; rejects if the process exits first. */
  waitForLine(pattern: RegExp): Promise<string>;
  exited: Promise<{ code: number | null; stdout: string; stderr: string }>;
};

/**
 * `node packages/cli/src/main.ts ARGS` as a real process, with exactly `env` (plus PATH): what an operator runs.
 * Output is parsed only in complete lines, however the pipe happens to chunk it.
 */
export function runCli(args: string[], env: Record<string, string>): CliRun {
  const child = spawn(process.execPath, [main, ...args], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const complete: string[] = [];
  let partial = "";
  let stdout = "";
  let stderr = "";
  const waiters = new Set<{ pattern: RegExp; resolve: (line: string) => void; reject: (err: Error) => void }>();
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    const parts = (partial + chunk).split("\n");
    partial = parts.pop() ?? "";
    for (const line of parts) {
      complete.push(line);
      for (const w of waiters) {
        if (w.pattern.test(line)) {
          waiters.delete(w);
          w.resolve(line);
        }
      }
    }
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      for (const w of waiters)
        w.reject(new Error(`cli exited (${code}) before printing ${w.pattern}\nstdout:\n${stdout}\nstderr:\n${stderr}`));
      waiters.clear();
      resolve({ code, stdout, stderr });
    });
  });
  return {
    lines: () => [...complete],
    waitForLine(pattern) {
      const seen = complete.find((l) => pattern.test(l));
      if (seen !== undefined) return Promise.resolve(seen);
      if (child.exitCode !== null) return Promise.reject(new Error(`cli already exited before printing ${pattern}`));
      return new Promise((resolve, reject) => waiters.add({ pattern, resolve, reject }));
    },
    exited,
  };
}
