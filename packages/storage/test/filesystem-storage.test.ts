import { createHash } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { filesystemStorage, InvalidStorageKeyError, parseStorageKey } from "../src/index.ts";

const ORG = "11111111-1111-4111-8111-111111111111";
let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "storage-"));
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe("filesystemStorage", () => {
  it("stages, hashes, commits into the org's folder, reads back and deletes", async () => {
    const storage = filesystemStorage(root);
    const key = storage.newKey(ORG);
    const staged = await storage.put(key, Readable.from([Buffer.from("hello "), Buffer.from("world")]), { headBytes: 4 });
    expect(staged.sha256).toBe(createHash("sha256").update("hello world").digest("hex"));
    expect(staged.byteSize).toBe(11);
    expect(staged.head.toString()).toBe("hell");
    expect(await storage.get(key)).toBeNull();
    await staged.commit();
    const got = await storage.get(key);
    expect(got?.byteSize).toBe(11);
    expect(await text(got?.body ?? Readable.from([]))).toBe("hello world");
    expect(await readdir(path.join(root, ORG))).toEqual([parseStorageKey(key).name]);
    await storage.delete(key);
    expect(await storage.get(key)).toBeNull();
  });

  it("leaves nothing behind when the source fails or the staged object is discarded", async () => {
    const storage = filesystemStorage(root);
    const failing = new Readable({
      read() {
        this.push(Buffer.from("partial"));
        this.destroy(new Error("connection reset"));
      },
    });
    await expect(storage.put(storage.newKey(ORG), failing)).rejects.toThrow("connection reset");
    const staged = await storage.put(storage.newKey(ORG), Readable.from([Buffer.from("x")]));
    await staged.discard();
    expect(await readdir(path.join(root, ORG))).toEqual([]);
  });

  it("refuses keys it did not make (no path climbing)", async () => {
    const storage = filesystemStorage(root);
    for (const key of ["../etc/passwd", `${ORG}/../x`, `${ORG}/photo.jpg`, "x"]) {
      await expect(storage.get(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
    }
  });
});
