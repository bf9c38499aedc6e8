import { existsSync, readFileSync } from "node:fs";
import type { RequestListener } from "node:http";
import request from "supertest";
import { expect } from "vitest";
import { openApiPath, type AnyRoute } from "../routes/route.ts";

type App = RequestListener;

/**
 * `GET /openapi.json` documents exactly the declared routes (plus `/openapi.json` and `/docs` themselves), and the
 * committed copy at `committedFile` equals `document()`: a route cannot exist undocumented, nor the copy go stale.
 * Returns the served document for app-specific checks.
 */
export async function expectDocumentedRoutes(
  app: App,
  options: { routes: readonly Pick<AnyRoute, "method" | "path">[]; document: () => unknown; committedFile: URL; writeCommand: string },
): Promise<{ paths: Record<string, Record<string, unknown>> }> {
  const res = await request(app).get("/openapi.json");
  expect(res.status).toBe(200);
  const served = res.body as { openapi: string; paths: Record<string, Record<string, unknown>> };
  expect(served.openapi).toBe("3.1.0");
  const documented = Object.entries(served.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
  const declared = options.routes.map((r) => `${r.method.toUpperCase()} ${openApiPath(r.path)}`);
  expect(documented.sort()).toEqual([...declared, "GET /openapi.json", "GET /docs"].sort());
  expect(existsSync(options.committedFile), `run: ${options.writeCommand}`).toBe(true);
  expect(
    JSON.parse(readFileSync(options.committedFile, "utf8")),
    `${options.committedFile.pathname} is stale: ${options.writeCommand}`,
  ).toEqual(JSON.parse(JSON.stringify(options.document())));
  return served;
}

/** `GET /docs` is a page whose every asset is served by the app itself (no CDN: it works offline). */
export async function expectOfflineDocs(app: App): Promise<void> {
  const page = await request(app).get("/docs");
  expect(page.status).toBe(200);
  const assets = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? "");
  expect(assets.length).toBeGreaterThanOrEqual(3);
  for (const asset of assets) {
    expect(asset.startsWith("/"), asset).toBe(true);
    expect((await request(app).get(asset)).status, asset).toBe(200);
  }
}
