import http, { type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWebServer } from "../server/web-server.ts";

function listen(server: http.Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
}

describe("admin-web's /api proxy", () => {
  let seen: { url: string | undefined; headers: IncomingHttpHeaders }[] = [];
  const upstream = http.createServer((req, res) => {
    seen.push({ url: req.url, headers: req.headers });
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
  let web: http.Server;
  let webUrl = "";

  beforeAll(async () => {
    const dist = await mkdtemp(path.join(tmpdir(), "admin-web-dist-"));
    await writeFile(path.join(dist, "index.html"), "<!doctype html><title>t</title>");
    web = createWebServer({ distDir: dist, adminApiUrl: await listen(upstream) });
    webUrl = await listen(web);
  });
  afterAll(async () => {
    await new Promise((r) => web.close(r));
    await new Promise((r) => upstream.close(r));
  });

  it("passes the path without its prefix and appends the browser's address to X-Forwarded-For", async () => {
    seen = [];
    await fetch(`${webUrl}/api/me`);
    await fetch(`${webUrl}/api/me`, { headers: { "x-forwarded-for": "203.0.113.9" } });
    expect(seen.map((s) => s.url)).toEqual(["/me", "/me"]);
    expect(seen[0]?.headers["x-forwarded-for"]).toBe("127.0.0.1");
    // A header the browser sent stays to the left of the hop this proxy saw: admin-api, trusting loopback hops only,
    // takes the rightmost untrusted address, never the forged one alone.
    expect(seen[1]?.headers["x-forwarded-for"]).toBe("203.0.113.9, 127.0.0.1");
  });
});
