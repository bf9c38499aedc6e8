import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { load, type LoadResult } from "./load.ts";
import type { Req } from "./targets.ts";

type Spec = { url: string; request: Req; seconds: number; connections: number };

/**
 * A closed-loop load of ONE fixed request from a process of its own: the noisy neighbour's large org. In the
 * orchestrating process its 500+ answers a second would delay the small org's probe on the same event loop, and the
 * probe would measure its own load generator instead of the server.
 */
export function loadInChild(spec: Spec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), JSON.stringify(spec)], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString("utf8")));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code === 0) resolve(JSON.parse(out) as LoadResult);
      else reject(new Error(`load process exited with ${code}`));
    });
  });
}

if (import.meta.main) {
  const spec = JSON.parse(process.argv[2] ?? "{}") as Spec;
  const result = await load(spec.url, () => spec.request, { seconds: spec.seconds, connections: spec.connections });
  process.stdout.write(JSON.stringify(result));
}
