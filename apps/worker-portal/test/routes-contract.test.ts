import { existsSync, readFileSync } from "node:fs";
import { listRoutes, pathParameters } from "@cleanops/http";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { declaredRoutes, openApiDocument } from "../src/kernel/mount.ts";
import { RESOURCES } from "../src/resources/index.ts";
import { startTestApp, type TestApp } from "./support/test-app.ts";

const routes = declaredRoutes(RESOURCES);
const key = (r: { method: string; path: string }) => `${r.method.toUpperCase()} ${r.path}`;

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe("the route declarations are the app", () => {
  it("has the fixed routes of the spec", () => {
    const declared = routes.map(key);
    for (const fixed of ["POST /auth/login", "GET /jobs", "GET /jobs/:id", "POST /jobs/:id/photos", "GET /photos/:id"]) {
      expect(declared).toContain(fixed);
    }
  });

  it("every declaration is routed with exactly its access declaration", () => {
    const routed = new Map(listRoutes(t.app).map((r) => [`${r.method} ${r.path}`, r.access]));
    for (const r of routes) {
      expect(routed.get(key(r)), key(r)).toEqual([
        "capability" in r.access ? { kind: "capability", capability: r.access.capability } : { kind: "public", reason: r.access.public },
      ]);
    }
  });

  it("GET /openapi.json serves the document of exactly these routes, and docs/openapi/worker-portal.json is not stale", async () => {
    const res = await request(t.app).get("/openapi.json");
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe("3.1.0");
    const documented = Object.entries(res.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(
      [...routes.map((r) => `${r.method.toUpperCase()} ${r.path.replace(/:(\w+)/g, "{$1}")}`), "GET /openapi.json", "GET /docs"].sort(),
    );
    expect(Object.keys(res.body.paths["/jobs/{id}/photos"].post.requestBody.content as object)).toEqual(["multipart/form-data"]);
    const file = new URL("../../../docs/openapi/worker-portal.json", import.meta.url);
    expect(existsSync(file), "run: node apps/worker-portal/scripts/write-openapi.ts").toBe(true);
    expect(
      JSON.parse(readFileSync(file, "utf8")),
      "docs/openapi/worker-portal.json is stale: node apps/worker-portal/scripts/write-openapi.ts",
    ).toEqual(JSON.parse(JSON.stringify(openApiDocument(RESOURCES))));
  });

  it("GET /docs is a page whose assets are served here (no CDN)", async () => {
    const page = await request(t.app).get("/docs");
    expect(page.status).toBe(200);
    const assets = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? "");
    expect(assets.length).toBeGreaterThanOrEqual(3);
    for (const asset of assets) {
      expect(asset.startsWith("/"), asset).toBe(true);
      expect((await request(t.app).get(asset)).status, asset).toBe(200);
    }
  });

  it("every signed-in route answers 401 without a token, and 404 (never 5xx) for a well-formed unknown id", async () => {
    const fill = (path: string) =>
      pathParameters(path).reduce((p, name) => p.replace(`:${name}`, "00000000-0000-4000-8000-00000000abcd"), path);
    const org = await t.make.org();
    const team = await t.make.team(org);
    const w = await t.make.worker(org, team.id);
    const login = await request(t.app).post("/auth/login").send({ org: org.slug, email: w.email, password: w.password });
    const auth = { authorization: `Bearer ${login.body.access_token as string}` };
    for (const r of routes.filter((x) => "capability" in x.access)) {
      const anonymous = await request(t.app)[r.method](fill(r.path)).send({});
      expect(anonymous.status, key(r)).toBe(401);
      if (r.path.includes(":")) {
        const res = await request(t.app)[r.method](fill(r.path)).set(auth).send({ checked: true });
        expect(res.status, key(r)).toBe(404);
      }
    }
  });
});
