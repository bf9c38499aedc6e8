import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { SERVER_NODE_FLAGS } from "../src/service/node-flags.ts";

const apps = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../apps");

describe("SERVER_NODE_FLAGS", () => {
  it.each(["admin-api", "worker-portal", "public-invoices"])("%s's start script runs its server with them", (app) => {
    const pkg = JSON.parse(readFileSync(path.join(apps, app, "package.json"), "utf8")) as { scripts: { start: string } };
    expect(pkg.scripts.start).toBe(["node", ...SERVER_NODE_FLAGS, "src/server.ts"].join(" "));
  });

  it("are flags this Node.js accepts (a typo would stop every server at start)", () => {
    for (const flag of SERVER_NODE_FLAGS) expect(process.allowedNodeEnvironmentFlags.has(flag.split("=")[0] ?? flag)).toBe(true);
  });
});
