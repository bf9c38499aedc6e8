import { ROLES } from "@cleanops/db";
import { listRoutes, pathParameters } from "@cleanops/http";
import { expectDocumentedRoutes, expectOfflineDocs } from "@cleanops/http/testing";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { roleAllows } from "../src/authz/permissions.ts";
import { declaredRoutes, openApiDocument } from "../src/kernel/mount.ts";
import { RESOURCES } from "../src/resources/index.ts";
import { teamOfRoles } from "./support/staff.ts";
import { startTestApp, type TestApp } from "./support/test-app.ts";

const routes = declaredRoutes(RESOURCES);
const key = (r: { method: string; path: string }) => `${r.method.toUpperCase()} ${r.path}`;

let t: TestApp;
let roles: Awaited<ReturnType<typeof teamOfRoles>>;
beforeAll(async () => {
  t = await startTestApp();
  roles = await teamOfRoles(t);
});
afterAll(() => t.close());

describe("the route declarations are the app", () => {
  it("every declaration is routed with exactly its access declaration", () => {
    const routed = new Map(listRoutes(t.app).map((r) => [`${r.method} ${r.path}`, r.access]));
    for (const r of routes) {
      const access = routed.get(key(r));
      expect(access, key(r)).toEqual([
        "capability" in r.access ? { kind: "capability", capability: r.access.capability } : { kind: "public", reason: r.access.public },
      ]);
    }
  });

  it("GET /openapi.json serves the document of exactly these routes, and docs/openapi/admin-api.json is not stale", async () => {
    const served = await expectDocumentedRoutes(t.app, {
      routes,
      document: () => openApiDocument(RESOURCES),
      committedFile: new URL("../../../docs/openapi/admin-api.json", import.meta.url),
      writeCommand: "node apps/admin-api/scripts/write-openapi.ts",
    });
    expect(Object.keys(served.paths).length).toBeGreaterThan(10);
  });

  it("GET /docs is a page whose assets are served here (no CDN)", async () => {
    await expectOfflineDocs(t.app);
  });
});

describe("each role gets exactly what the matrix gives it", () => {
  const fill = (path: string) =>
    pathParameters(path).reduce((p, name) => p.replace(`:${name}`, "00000000-0000-4000-8000-00000000abcd"), path);

  it("on every guarded route: 403 forbidden without the capability, never 401/403/5xx with it", async () => {
    const guarded = routes.filter((r) => "capability" in r.access);
    expect(guarded.length).toBeGreaterThan(5);
    const wrong: string[] = [];
    for (const r of guarded) {
      const capability = "capability" in r.access ? r.access.capability : undefined;
      if (!capability) continue;
      for (const role of ROLES) {
        const res = await request(t.app)[r.method](fill(r.path)).set(roles[role].headers).send({});
        const allowed = roleAllows(role, capability);
        const ok = allowed
          ? ![401, 403].includes(res.status) && res.status < 500
          : res.status === 403 && res.body.error?.code === "forbidden";
        if (!ok) wrong.push(`${key(r)} as ${role}: ${res.status} ${JSON.stringify(res.body.error ?? "")}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe("every route that takes an id has its cross-org case", () => {
  it("lists, from the declarations, the routes with an id in the path or body, and each is in CROSS_ORG_CASES", async () => {
    const { CROSS_ORG_CASES } = await import("./cross-org.test-cases.ts");
    const needing = routes
      .filter((r) => pathParameters(r.path).length > 0 || bodyIds(r.body).length > 0)
      .map(key)
      .sort();
    expect(needing.filter((k) => !(k in CROSS_ORG_CASES))).toEqual([]);
  });
});

/** The id-bearing fields (`client_id`, `item_ids`…) a body schema declares at its top level. */
function bodyIds(schema: unknown): string[] {
  const shape = (schema as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape ? Object.keys(shape).filter((k) => /_ids?$/.test(k)) : [];
}
