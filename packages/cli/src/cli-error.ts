/**
 * An error whose message is the one line the operator sees; `exitCode` 2 means the command line itself was wrong.
 * `details` are printed below it, one per line (e.g. every difference a restore verification found).
 */
export class CliError extends Error {
  readonly exitCode: number;
  readonly details: readonly string[];
  constructor(message: string, exitCode = 1, details: readonly string[] = []) {
    super(details.length > 0 ? `${message}\n  ${details.join("\n  ")}` : message);
    this.name = "CliError";
    this.exitCode = exitCode;
    this.details = details;
  }
}

export const usageError = (message: string) => new CliError(`${message} (see: pnpm cli help)`, 2);
