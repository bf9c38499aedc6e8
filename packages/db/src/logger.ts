import { pino, type Logger } from "pino";

export type { Logger };

// Secrets never reach a log line, whatever a caller passes in.
const redact = {
  paths: ["password", "*.password", "password_hash", "*.password_hash", "token", "*.token", "authorization", "*.authorization", "connectionString", "*.connectionString"],
  censor: "[redacted]",
};

export function createLogger(level: string, name = "cleanops"): Logger {
  return pino({ name, level, redact });
}
