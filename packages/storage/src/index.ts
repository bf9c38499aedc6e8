export type { ObjectStorage, StagedObject, StoredObject } from "./object-storage.ts";
export { filesystemStorage } from "./filesystem-storage.ts";
export { InvalidStorageKeyError, newStorageKey, parseStorageKey } from "./key.ts";
