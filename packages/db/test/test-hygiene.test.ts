import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

function tsFiles(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    if (e.name === "node_modules") return [];
    const full = path.join(dir, e.name);
    return e.isDirectory() ? tsFiles(full) : e.name.endsWith(".ts") ? [full] : [];
  });
}

/** A pause of a guessed length: a promise resolved by a timer after N ms, or a sleep helper. */
const FIXED_SLEEP = /setTimeout\(\s*(r|res|resolve)\s*,|\bsleep\(/;

/**
 * Polls that wait for a condition, with a deadline: a short interval between probes is not a guess at how long
 * something takes. (`eventually` retries a probe until it passes; the SMTP catcher waits for a mail until a deadline.)
 */
const CONDITION_POLLS = new Set(["apps/admin-api/test/support/test-app.ts", "packages/mail/src/testing/smtp-catcher.ts"]);

describe("test code", () => {
  it("waits for conditions, never for a fixed time (a slow machine makes a guessed pause flaky)", () => {
    const dirs = ["packages", "apps"].flatMap((top) =>
      readdirSync(path.join(repoRoot, top)).flatMap((pkg) => [
        path.join(repoRoot, top, pkg, "test"),
        path.join(repoRoot, top, pkg, "src", "testing"),
      ]),
    );
    const offenders = dirs
      .flatMap(tsFiles)
      .map((file) => path.relative(repoRoot, file))
      .filter((file) => !CONDITION_POLLS.has(file))
      .flatMap((file) =>
        readFileSync(path.join(repoRoot, file), "utf8")
          .split("\n")
          .map((line, i) => ({ line, at: `${file}:${i + 1}` }))
          .filter(({ line }) => FIXED_SLEEP.test(line))
          .map(({ at, line }) => `${at}: ${line.trim()}`),
      );
    expect(offenders).toEqual([]);
  });
});
