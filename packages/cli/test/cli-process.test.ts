import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));

function run(args: string[], env: Record<string, string>) {
  const res = spawnSync(process.execPath, [main, ...args], {
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", ...env },
    timeout: 60_000,
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

describe("the cli as a process", () => {
  it("exits 1 with one clear line when the database is unreachable", () => {
    const r = run(["db:status"], { DATABASE_URL: "postgres://postgres@127.0.0.1:1/nowhere" });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "error: Cannot reach PostgreSQL at 127.0.0.1:1/nowhere: connection refused. Is the server running? Check DATABASE_URL.\n",
    );
  });

  it("exits 2 on an unknown command or option, 1 on a malformed DATABASE_URL", () => {
    const unknown = run(["db:explode"], { DATABASE_URL: "postgres://postgres@127.0.0.1:1/x" });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('error: Unknown command "db:explode" (see: pnpm cli help)\n');
    const option = run(["db:status", "--verbose"], { DATABASE_URL: "postgres://postgres@127.0.0.1:1/x" });
    expect(option.code).toBe(2);
    expect(option.stderr).toMatch(/^error: db:status: Unknown option '--verbose'/);
    const badUrl = run(["db:status"], { DATABASE_URL: "mysql://nope" });
    expect(badUrl.code).toBe(1);
    expect(badUrl.stderr).toMatch(/^error: Invalid configuration: DATABASE_URL: /);
    expect(badUrl.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("lists its commands", () => {
    const r = run(["help"], {});
    expect(r.code).toBe(0);
    for (const c of [
      "db:migrate",
      "db:rollback",
      "db:status",
      "db:preflight",
      "db:verify",
      "db:backup",
      "db:restore",
      "db:legacy-fixture",
      "org:create",
      "user:create",
      "member:add",
      "subscriptions:due-run",
    ]) {
      expect(r.stdout).toContain(c);
    }
  });
});
