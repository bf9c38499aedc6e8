import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import http, { type IncomingMessage, type Server, type ServerResponse } from "node:http";
import path from "node:path";
import { ADMIN_API_PREFIX } from "./proxy-path.ts";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
};

/**
 * The page may talk to its own origin only: admin-api is reached through /api here, so `connect-src 'self'` also
 * enforces the "no request to any other host" budget in the browser.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const SECURITY_HEADERS = {
  "Content-Security-Policy": CONTENT_SECURITY_POLICY,
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
};

// Hop-by-hop headers are the proxy's own business (RFC 9110 §7.6.1), never forwarded.
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer", "host"]);

export type WebServerOptions = { distDir: string; adminApiUrl: string };

/**
 * admin-web in production: the built files, `index.html` for every app route (client-side routing), and `/api/*`
 * passed to admin-api unchanged but for the prefix, which it learns from `X-Forwarded-Prefix` (the refresh cookie's
 * Path). One origin for the browser: no CORS, and the SameSite=Strict cookie is first-party.
 */
export function createWebServer(options: WebServerOptions): Server {
  const root = path.resolve(options.distDir);
  const api = new URL(options.adminApiUrl);

  async function serveFile(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    let file = path.resolve(root, `.${decodeURIComponent(pathname)}`);
    if (!file.startsWith(root + path.sep)) file = path.join(root, "index.html");
    let info = await stat(file).catch(() => undefined);
    const isAsset = pathname.startsWith("/assets/");
    if (!info?.isFile()) {
      if (isAsset || path.extname(pathname) !== "") {
        res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8", ...SECURITY_HEADERS }).end("Not found");
        return;
      }
      file = path.join(root, "index.html");
      info = await stat(file).catch(() => undefined);
      if (!info?.isFile()) {
        res
          .writeHead(503, { "Content-Type": "text/plain; charset=utf-8" })
          .end("admin-web is not built: run `pnpm --filter @cleanops/admin-web build`.");
        return;
      }
    }
    res.writeHead(200, {
      "Content-Type": TYPES[path.extname(file)] ?? "application/octet-stream",
      "Content-Length": String(info.size),
      // Hashed file names under /assets never change; index.html must be re-read to pick up a new build.
      "Cache-Control": isAsset ? "public, max-age=31536000, immutable" : "no-cache",
      ...SECURITY_HEADERS,
    });
    if (req.method === "HEAD") res.end();
    else createReadStream(file).pipe(res);
  }

  function proxy(req: IncomingMessage, res: ServerResponse, rest: string): void {
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = value;
    headers["x-forwarded-prefix"] = ADMIN_API_PREFIX;
    headers["x-forwarded-proto"] = "http";
    // admin-api must see each browser's own address (its sign-in throttle counts per client, and loopback-only routes
    // must not open to everyone behind this proxy): append the socket's address, as a proxy does. admin-api trusts
    // only loopback hops (TRUST_PROXY=loopback from `pnpm start`), so a forged header names at most a forged hop.
    const forwarded = req.headers["x-forwarded-for"];
    const prior = Array.isArray(forwarded) ? forwarded.join(", ") : forwarded;
    const peer = req.socket.remoteAddress ?? "";
    headers["x-forwarded-for"] = prior ? `${prior}, ${peer}` : peer;
    const upstream = http.request(
      { protocol: api.protocol, hostname: api.hostname, port: api.port, method: req.method, path: rest, headers },
      (answer) => {
        const out: http.OutgoingHttpHeaders = {};
        for (const [name, value] of Object.entries(answer.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) out[name] = value;
        res.writeHead(answer.statusCode ?? 502, out);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => {
      if (!res.headersSent) {
        res.writeHead(502, { "Content-Type": "application/json; charset=utf-8" });
        res.end(JSON.stringify({ error: { code: "bad_gateway", message: "admin-api is not reachable.", request_id: "" } }));
      } else res.destroy();
    });
    req.pipe(upstream);
  }

  return http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://admin-web.invalid");
    if (url.pathname === ADMIN_API_PREFIX || url.pathname.startsWith(`${ADMIN_API_PREFIX}/`)) {
      proxy(req, res, (url.pathname.slice(ADMIN_API_PREFIX.length) || "/") + url.search);
      return;
    }
    if (url.pathname === "/healthz") {
      res.writeHead(200, { "Content-Type": "application/json" }).end('{"status":"ok"}');
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { Allow: "GET, HEAD" }).end();
      return;
    }
    serveFile(req, res, url.pathname).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
}
