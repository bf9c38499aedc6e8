/** An error whose message is the one line the operator sees; `exitCode` 2 means the command line itself was wrong. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}

export const usageError = (message: string) => new CliError(`${message} (see: pnpm cli help)`, 2);
