import { randomUUID } from "node:crypto";

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const KEY = new RegExp(`^(${UUID})/(${UUID})$`);

export class InvalidStorageKeyError extends Error {
  constructor() {
    super("Invalid storage key");
    this.name = "InvalidStorageKeyError";
  }
}

/** `<org uuid>/<random uuid>`: two lower-case UUIDs, so a key can never climb out of its org's folder. */
export function newStorageKey(orgId: string): string {
  const key = `${orgId.toLowerCase()}/${randomUUID()}`;
  parseStorageKey(key);
  return key;
}

/** The key's org folder and object name; throws for anything that is not exactly what `newStorageKey` makes. */
export function parseStorageKey(key: string): { orgId: string; name: string } {
  const m = KEY.exec(key);
  if (!m?.[1] || !m[2]) throw new InvalidStorageKeyError();
  return { orgId: m[1], name: m[2] };
}
