import type { Logger } from "@cleanops/db";
import type { CliConfig } from "./config.ts";

export type CommandContext = {
  config: CliConfig;
  logger: Logger;
  /** What the command reports to the operator (stdout); tests capture it. */
  print: (line: string) => void;
  /** Whether an interactive terminal is attached (for prompts and progress bars). */
  interactive: boolean;
};
