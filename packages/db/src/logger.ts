import { isatty } from "node:tty";
import { pino, type Logger } from "pino";
import pretty from "pino-pretty";

export type { Logger };

// Secrets never reach a log line, whatever a caller passes in.
const redact = {
  paths: [
    "password",
    "*.password",
    "password_hash",
    "*.password_hash",
    "token",
    "*.token",
    "authorization",
    "*.authorization",
    "connectionString",
    "*.connectionString",
  ],
  censor: "[redacted]",
};

export type LoggerOptions = {
  /**
   * Human-readable lines (still structured underneath) or JSON lines. By default: readable when the destination is a
   * terminal (`pnpm start`, whose apps inherit it), JSON when it is a pipe or file (a log collector, CI).
   */
  pretty?: boolean;
  /** 1 = stdout (services), 2 = stderr (command-line tools, whose stdout is their answer). */
  fd?: 1 | 2;
};

export function createLogger(level: string, name = "cleanops", options: LoggerOptions = {}): Logger {
  const fd = options.fd ?? 1;
  const stream =
    (options.pretty ?? isatty(fd))
      ? pretty({ destination: fd, colorize: true, sync: true, ignore: "pid,hostname", translateTime: "HH:MM:ss.l" })
      : pino.destination({ dest: fd, sync: true });
  return pino({ name, level, redact }, stream);
}
