import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const migrationsDir = path.join(repoRoot, "packages/db/src/migrations");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name === "node_modules") return [];
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(full) : e.name.endsWith(".ts") ? [full] : [];
  });
}

describe("runtime code and migrations", () => {
  it("no code outside the migrations imports a migration file (shared names live in src/tenancy/database-roles.ts)", () => {
    // A migration is frozen history: running code that imports one would change with it, or pin it in place. (Tests of
    // a migration may import it.)
    const roots = ["packages", "apps"].flatMap((top) =>
      readdirSync(path.join(repoRoot, top)).flatMap((pkg) => ["src", "bench"].map((d) => path.join(repoRoot, top, pkg, d))),
    );
    const offenders: string[] = [];
    for (const root of roots) {
      let files: string[];
      try {
        files = sourceFiles(root);
      } catch {
        continue;
      }
      for (const file of files) {
        if (file.startsWith(migrationsDir + path.sep)) continue;
        for (const m of readFileSync(file, "utf8").matchAll(/from\s+"([^"]+)"/g)) {
          if (/migrations\/(legacy\/)?\d{4}-[^/]+$/.test(m[1] ?? "")) offenders.push(`${path.relative(repoRoot, file)}: ${m[1]}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });
});
