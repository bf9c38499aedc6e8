import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

type ProfileNode = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
};
type Profile = { nodes: ProfileNode[]; startTime: number; endTime: number; samples?: number[]; timeDeltas?: number[] };

export type ProfileSummary = {
  /** Self time by package (node_modules/<pkg>, the repo's own code by workspace folder, node: internals). */
  byPackage: { name: string; share: number }[];
  /** The functions with the most self time. */
  topFunctions: { name: string; share: number }[];
};

function packageOf(url: string): string {
  if (!url) return "(native / idle / gc)";
  if (url.startsWith("node:")) return "node internals";
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = url.slice(nm + "node_modules/".length).split("/");
    return rest[0]?.startsWith("@") ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  const m = /\/(apps|packages|tooling)\/([^/]+)\//.exec(url);
  return m ? `${m[1]}/${m[2]}` : url;
}

/**
 * Summarises the .cpuprofile files of a --cpu-prof-dir: where the process's CPU time went, by self time, from
 * `fromMicros` on (CLOCK_MONOTONIC in µs, the clock of both V8's profile timestamps and process.hrtime).
 */
export function summariseProfiles(dir: string, fromMicros = 0, top = 12): ProfileSummary {
  const selfByFn = new Map<string, number>();
  const selfByPkg = new Map<string, number>();
  let total = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"))) {
    const p = JSON.parse(readFileSync(path.join(dir, file), "utf8")) as Profile;
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    const deltas = p.timeDeltas ?? [];
    let at = p.startTime;
    (p.samples ?? []).forEach((id, i) => {
      at += deltas[i] ?? 0;
      // Only the samples of the measured load: start-up (module compilation) and warm-up are not what is asked.
      if (at < fromMicros) return;
      const node = byId.get(id);
      if (!node) return;
      const name = node.callFrame.functionName || "(anonymous)";
      if (name === "(idle)" || name === "(program)") return;
      const dt = deltas[i] ?? 0;
      total += dt;
      const fn = `${name} (${packageOf(node.callFrame.url)})`;
      selfByFn.set(fn, (selfByFn.get(fn) ?? 0) + dt);
      const pkg = name === "(garbage collector)" ? "(garbage collector)" : packageOf(node.callFrame.url);
      selfByPkg.set(pkg, (selfByPkg.get(pkg) ?? 0) + dt);
    });
  }
  const rank = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, t]) => ({ name, share: total > 0 ? t / total : 0 }));
  return { byPackage: rank(selfByPkg), topFunctions: rank(selfByFn) };
}
