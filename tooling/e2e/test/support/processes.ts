import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

export type Finished = { code: number | null; stdout: string; stderr: string };

/**
 * A root package.json script (`pnpm <name>`) as its argv, run by this Node: the same command a user runs, without
 * starting pnpm itself for every call (it only looks the script up). Fails loudly when the script is no longer
 * `node <file> ...`, so the test never silently runs something else than the user does.
 */
export function rootScript(name: string): string[] {
  const scripts = (JSON.parse(readFileSync(`${REPO_ROOT}package.json`, "utf8")) as { scripts: Record<string, string> }).scripts;
  const script = scripts[name];
  const parts = script?.split(/\s+/) ?? [];
  if (parts[0] !== "node" || parts.length < 2) throw new Error(`root script "${name}" is not "node <file> ...": ${script}`);
  return [`${REPO_ROOT}${parts[1]}`, ...parts.slice(2)];
}

/** `pnpm <script> ARGS` as a process with exactly `env` (plus PATH), to its end. */
export function runScript(script: string, args: string[], env: Record<string, string>): Promise<Finished> {
  const child = spawn(process.execPath, [...rootScript(script), ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Like runScript, but a non-zero exit throws with everything the command said. */
export async function runScriptOk(script: string, args: string[], env: Record<string, string>): Promise<Finished> {
  const r = await runScript(script, args, env);
  if (r.code !== 0) throw new Error(`pnpm ${script} ${args.join(" ")} exited ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  return r;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

export type RunningStack = {
  urls: { adminApi: string; workerPortal: string; publicInvoices: string };
  output: () => string;
  stop: () => Promise<void>;
};

/**
 * `pnpm start ARGS` with `env`, until it prints that CleanOps is running. Ports are free ones picked here, so
 * parallel test files and a developer's own stack never collide. Stopping sends SIGTERM, as Ctrl-C would.
 */
export async function startStack(args: string[], env: Record<string, string>, timeoutMs = 120_000): Promise<RunningStack> {
  const ports = {
    adminApi: await freePort(),
    workerPortal: await freePort(),
    publicInvoices: await freePort(),
    adminWeb: await freePort(),
  };
  const child: ChildProcess = spawn(process.execPath, [...rootScript("start"), ...args], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      ADMIN_API_PORT: String(ports.adminApi),
      WORKER_PORTAL_PORT: String(ports.workerPortal),
      PUBLIC_INVOICES_PORT: String(ports.publicInvoices),
      ADMIN_WEB_PORT: String(ports.adminWeb),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr?.setEncoding("utf8").on("data", (d: string) => (out += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the stack did not start within ${timeoutMs / 1000} s:\n${out}`)), timeoutMs);
    const poll = setInterval(() => {
      if (/CleanOps is running/.test(out)) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve();
      }
    }, 100);
    child.once("exit", (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`the stack exited (${code}) during start-up:\n${out}`));
    });
  });
  const url = (port: number) => `http://127.0.0.1:${port}`;
  return {
    urls: { adminApi: url(ports.adminApi), workerPortal: url(ports.workerPortal), publicInvoices: url(ports.publicInvoices) },
    output: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
        child.once("exit", () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill("SIGTERM");
      }),
  };
}
