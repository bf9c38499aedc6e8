import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { CliError } from "../cli-error.ts";

/** The newest modification time under `dir` (files only), 0 when it does not exist. */
function newestMtime(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * admin-web's built files for `stack`: reused when dist/ is newer than every source file, else built with Vite
 * (a few seconds; `pnpm --filter @cleanops/admin-web build` also typechecks and checks the budgets).
 */
export async function ensureAdminWebBuilt(webDir: string, print: (line: string) => void): Promise<void> {
  const built = existsSync(path.join(webDir, "dist", "index.html")) ? statSync(path.join(webDir, "dist", "index.html")).mtimeMs : 0;
  const sources = Math.max(
    newestMtime(path.join(webDir, "src")),
    ...["index.html", "vite.config.ts", "package.json"].map((f) =>
      existsSync(path.join(webDir, f)) ? statSync(path.join(webDir, f)).mtimeMs : 0,
    ),
  );
  if (built > sources) return;
  print("Building admin-web (vite build) ...");
  const vite = path.join(webDir, "node_modules", "vite", "bin", "vite.js");
  const child = spawn(process.execPath, [vite, "build", "--logLevel", "warn"], { cwd: webDir, stdio: ["ignore", "inherit", "inherit"] });
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new CliError(`admin-web build failed (exit ${code})`);
}

/** admin-web's server: the built app, with /api/* proxied to admin-api (one origin for the browser). */
export function spawnAdminWeb(
  webDir: string,
  env: NodeJS.ProcessEnv & { PORT: string; HOST: string; ADMIN_API_URL: string },
): ChildProcess {
  return spawn(process.execPath, [path.join(webDir, "server", "serve.ts")], { cwd: webDir, env, stdio: ["ignore", "ignore", "inherit"] });
}
