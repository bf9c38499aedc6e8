import type { Readable } from "node:stream";

/** An object whose bytes were received and hashed but which is not visible under its key yet. */
export type StagedObject = {
  key: string;
  byteSize: number;
  /** Lower-case hex SHA-256 of the bytes, computed while they streamed in. */
  sha256: string;
  /** The first bytes (up to `headBytes` of `put`): enough to recognise a file type without reading it back. */
  head: Buffer;
  /** Makes the object visible under its key (an atomic rename on a filesystem). */
  commit(): Promise<void>;
  /** Removes whatever exists of the object, staged or committed; never throws for a missing one. */
  discard(): Promise<void>;
};

export type StoredObject = { byteSize: number; body: Readable };

/**
 * Where uploaded bytes live: a filesystem by default, an S3-compatible bucket later (the same four calls). Keys are
 * made by `newKey` from an org id and a random id, never from anything a user sent, so a file name cannot choose
 * where bytes land or which object is read.
 */
export interface ObjectStorage {
  /** A fresh key in the org's namespace: `<org uuid>/<random uuid>`. */
  newKey(orgId: string): string;
  /**
   * Streams `source` into a staged object: nothing is visible under `key` until `commit()`. Rejects (after removing
   * what it wrote) when the source errors or ends early; the caller owns `discard()` after a success.
   */
  put(key: string, source: Readable, options?: { headBytes?: number }): Promise<StagedObject>;
  /** The object's bytes, or null when there is none under `key`. */
  get(key: string): Promise<StoredObject | null>;
  delete(key: string): Promise<void>;
}
