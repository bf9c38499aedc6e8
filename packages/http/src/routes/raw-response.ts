import type { Readable } from "node:stream";

/**
 * A success body that is not JSON (image bytes): an action returns one and the route router writes its headers and
 * bytes as they are, instead of `res.json`. A class, so the router can tell it from a plain JSON-able object.
 */
export class RawResponse {
  readonly body: Buffer | Readable;
  readonly headers: Readonly<Record<string, string>>;

  constructor(body: Buffer | Readable, headers: Readonly<Record<string, string>>) {
    this.body = body;
    this.headers = headers;
  }
}
