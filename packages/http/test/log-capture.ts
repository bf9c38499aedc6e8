import { Writable } from "node:stream";
import { pino, type Logger } from "pino";

export type CapturedLogs = { logger: Logger; lines: () => Record<string, unknown>[] };

/** A real pino logger writing JSON lines into memory. */
export function captureLogs(level = "info"): CapturedLogs {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString("utf8"));
      cb();
    },
  });
  const logger = pino({ level }, stream);
  return {
    logger,
    lines: () =>
      chunks
        .join("")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
