import { createHash, randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { newStorageKey, parseStorageKey } from "./key.ts";
import type { ObjectStorage, StagedObject, StoredObject } from "./object-storage.ts";

const DEFAULT_HEAD_BYTES = 4100;

/**
 * Objects as files under `root`, one folder per org (`<root>/<org id>/<object id>`). A put streams into a hidden
 * temporary file in that same folder (so the commit is a rename within one filesystem, atomic) and hashes on the way.
 */
export function filesystemStorage(root: string): ObjectStorage {
  const absoluteRoot = path.resolve(root);
  const fileOf = (key: string) => {
    const { orgId, name } = parseStorageKey(key);
    return { dir: path.join(absoluteRoot, orgId), file: path.join(absoluteRoot, orgId, name) };
  };

  return {
    newKey: newStorageKey,

    async put(key, source: Readable, options = {}): Promise<StagedObject> {
      const { dir, file } = fileOf(key);
      await mkdir(dir, { recursive: true });
      const temp = path.join(dir, `.upload-${randomUUID()}.tmp`);
      const hash = createHash("sha256");
      const headLimit = options.headBytes ?? DEFAULT_HEAD_BYTES;
      const head: Buffer[] = [];
      let headLength = 0;
      let byteSize = 0;
      const tap = new Transform({
        transform(chunk: Buffer, _enc, done) {
          hash.update(chunk);
          byteSize += chunk.length;
          if (headLength < headLimit) {
            const part = chunk.subarray(0, headLimit - headLength);
            head.push(part);
            headLength += part.length;
          }
          done(null, chunk);
        },
      });
      try {
        await pipeline(source, tap, createWriteStream(temp, { flags: "wx", mode: 0o600 }));
      } catch (err) {
        await rm(temp, { force: true });
        throw err;
      }
      let committed = false;
      return {
        key,
        byteSize,
        sha256: hash.digest("hex"),
        head: Buffer.concat(head),
        async commit() {
          await rename(temp, file);
          committed = true;
        },
        async discard() {
          await rm(committed ? file : temp, { force: true });
        },
      };
    },

    async get(key): Promise<StoredObject | null> {
      const { file } = fileOf(key);
      try {
        const info = await stat(file);
        if (!info.isFile()) return null;
        return { byteSize: info.size, body: createReadStream(file) };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw err;
      }
    },

    async delete(key) {
      await rm(fileOf(key).file, { force: true });
    },
  };
}
