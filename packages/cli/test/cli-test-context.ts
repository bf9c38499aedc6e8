import { createLogger } from "@cleanops/db";
import type { CommandContext } from "../src/command-context.ts";
import { loadCliConfig } from "../src/config.ts";

/** A command context on the given database that records what the command prints. */
export function testContext(databaseUrl: string, env: Record<string, string> = {}): CommandContext & { output: string[] } {
  const output: string[] = [];
  return {
    config: loadCliConfig({ DATABASE_URL: databaseUrl, ...env }),
    logger: createLogger("silent"),
    print: (line) => output.push(line),
    interactive: false,
    output,
  };
}
