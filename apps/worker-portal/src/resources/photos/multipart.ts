import type { Readable } from "node:stream";
import { AppError, badRequest } from "@cleanops/http";
import type { StagedObject } from "@cleanops/storage";
import busboy from "busboy";
import type { Request } from "express";

export type UploadSpec = {
  /** The one file field read; other fields and files are drained and ignored. */
  field: string;
  maxBytes: number;
  /** Where the bytes go as they arrive (a staged storage object). */
  store: (source: Readable) => Promise<StagedObject>;
  /**
   * Checks the text fields sent before the file (a form's CSRF token) before a byte of it is stored; what it throws
   * is the answer.
   */
  checkFields?: (fields: ReadonlyMap<string, string>) => void;
};

/** Streams the request's multipart body into `spec.store`; the staged object is the caller's to commit or discard. */
export type UploadReader = (spec: UploadSpec) => Promise<StagedObject>;

const tooLarge = (maxBytes: number) =>
  new AppError("payload_too_large", `The photo is larger than ${Math.floor(maxBytes / (1024 * 1024))} MB.`, {
    details: { max_bytes: maxBytes },
  });

/**
 * A multipart reader for one request. Every refusal leaves nothing staged behind: an oversize file (busboy's limit
 * truncates it) is discarded and answers 413; a body that ends early (a closed connection, a missing final boundary)
 * makes the store's pipeline fail, which removes its temporary file, and answers 400.
 */
export function multipartReader(req: Request): UploadReader {
  return (spec) =>
    new Promise<StagedObject>((resolve, reject) => {
      if (!req.is("multipart/form-data")) {
        reject(new AppError("unsupported_media_type", `Send multipart/form-data with a file field "${spec.field}".`));
        return;
      }
      let parser: busboy.Busboy;
      try {
        parser = busboy({
          headers: req.headers,
          limits: { fileSize: spec.maxBytes, files: 1, fields: 10, fieldSize: 4096, parts: 20 },
        });
      } catch (err) {
        reject(badRequest("The multipart body is malformed.", { cause: err }));
        return;
      }
      let file: Readable | undefined;
      let stored: Promise<StagedObject> | undefined;
      let truncated = false;
      let failed: Error | undefined;

      const fail = (err: Error) => {
        failed ??= err;
        // Ends the store's pipeline with an error: it removes its temporary file.
        file?.destroy(err);
      };

      const fields = new Map<string, string>();
      parser.on("field", (name, value) => {
        if (!fields.has(name)) fields.set(name, value);
      });
      parser.on("file", (name, stream) => {
        // Busboy destroys a file stream with the form's error; the store's pipeline reports it, and a drained
        // stream has no one else to: without a listener of its own that error would crash the process.
        stream.on("error", () => undefined);
        if (name !== spec.field || stored || failed) {
          stream.resume();
          return;
        }
        try {
          spec.checkFields?.(fields);
        } catch (err) {
          failed = err instanceof Error ? err : new Error(String(err));
          stream.resume();
          return;
        }
        file = stream;
        stream.on("limit", () => {
          truncated = true;
        });
        stored = spec.store(stream);
        // Observed here so a rejection before `close` is never unhandled; awaited below.
        stored.catch(() => undefined);
      });
      parser.on("error", (err: Error) => fail(err));
      req.on("close", () => {
        if (!req.complete) fail(new Error("the upload was interrupted"));
      });
      parser.on("close", () => void settle());

      let settled = false;
      async function settle() {
        if (settled) return;
        settled = true;
        if (failed instanceof AppError) {
          await stored?.then((s) => s.discard()).catch(() => undefined);
          reject(failed);
          return;
        }
        if (!stored && spec.checkFields && !failed) {
          // No file came: the fields' check still answers first (a form without its CSRF token is a 403, not a 400).
          try {
            spec.checkFields(fields);
          } catch (err) {
            reject(err instanceof Error ? err : new Error(String(err)));
            return;
          }
        }
        let staged: StagedObject | undefined;
        try {
          staged = stored ? await stored : undefined;
        } catch (err) {
          reject(badRequest("The upload was interrupted or malformed; nothing was stored.", { cause: failed ?? err }));
          return;
        }
        if (failed || !staged) {
          await staged?.discard();
          reject(
            failed
              ? badRequest("The upload was interrupted or malformed; nothing was stored.", { cause: failed })
              : badRequest(`No file in the field "${spec.field}".`),
          );
          return;
        }
        if (truncated) {
          await staged.discard();
          reject(tooLarge(spec.maxBytes));
          return;
        }
        resolve(staged);
      }

      // A parse error also ends the parser: `close` may then never come, so settle on error too.
      parser.on("error", () => void settle());
      req.pipe(parser);
    });
}
