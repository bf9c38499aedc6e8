import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const loggerModule = fileURLToPath(new URL("../src/logger.ts", import.meta.url));

/** Logs one line from a separate process whose stdout is a pipe (not a terminal), as under a log collector. */
function logThroughPipe(options: string): string {
  const script = `import { createLogger } from ${JSON.stringify(loggerModule)};
createLogger("info", "probe"${options}).info({ password: "hunter2", n: 1 }, "hello");`;
  const res = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  expect(res.stderr).toBe("");
  expect(res.status).toBe(0);
  return res.stdout;
}

/** The same under `script`, which gives the process a pseudo-terminal as stdout (what `pnpm start` in a shell gets). */
function logOnTerminal(): string {
  const script = `import { createLogger } from ${JSON.stringify(loggerModule)}; createLogger("info", "probe").info("hello");`;
  const command = [process.execPath, "--input-type=module", "-e", script].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(" ");
  const res = spawnSync("script", ["-qec", command, "/dev/null"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  expect(res.status).toBe(0);
  return res.stdout;
}

describe("createLogger", () => {
  it("writes readable lines by default when stdout is a terminal", () => {
    const out = logOnTerminal();
    expect(out).toMatch(/INFO.*\(probe\).*hello/);
    expect(out).not.toContain('"msg"');
  });

  it("writes JSON lines when stdout is not a terminal, secrets redacted", () => {
    const lines = logThroughPipe("").trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? "")).toMatchObject({ level: 30, name: "probe", msg: "hello", n: 1, password: "[redacted]" });
  });

  it("writes readable lines when asked to (what a terminal gets by default)", () => {
    const out = logThroughPipe(`, { pretty: true }`);
    expect(out).toMatch(/INFO.*\(probe\).*hello/);
    expect(() => JSON.parse(out) as unknown).toThrow();
    expect(out).not.toContain("hunter2");
  });
});
