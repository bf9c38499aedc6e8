import { listRoutes, pathParameters } from "@cleanops/http";
import { expectDocumentedRoutes, expectOfflineDocs } from "@cleanops/http/testing";
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
    const served = await expectDocumentedRoutes(t.app, {
      routes,
      document: () => openApiDocument(RESOURCES),
      committedFile: new URL("../../../docs/openapi/worker-portal.json", import.meta.url),
      writeCommand: "node apps/worker-portal/scripts/write-openapi.ts",
    });
    const photos = served.paths["/jobs/{id}/photos"]?.post as { requestBody: { content: object } };
    expect(Object.keys(photos.requestBody.content)).toEqual(["multipart/form-data"]);
  });

  it("GET /docs is a page whose assets are served here (no CDN)", async () => {
    await expectOfflineDocs(t.app);
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
