export { runCommand, COMMANDS } from "./main.ts";
export type { CommandContext } from "./command-context.ts";
export { loadCliConfig, type CliConfig } from "./config.ts";
export { CliError } from "./cli-error.ts";
