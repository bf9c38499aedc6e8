import { existsSync, readFileSync } from "node:fs";
import { ROLES } from "@cleanops/db";
import { listRoutes, pathParameters } from "@cleanops/http";
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
    const res = await request(t.app).get("/openapi.json");
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe("3.1.0");
    const documented = Object.entries(res.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(
      [...routes.map((r) => `${r.method.toUpperCase()} ${r.path.replace(/:(\w+)/g, "{$1}")}`), "GET /openapi.json", "GET /docs"].sort(),
    );
    const file = new URL("../../../docs/openapi/admin-api.json", import.meta.url);
    expect(existsSync(file), "run: node apps/admin-api/scripts/write-openapi.ts").toBe(true);
    expect(
      JSON.parse(readFileSync(file, "utf8")),
      "docs/openapi/admin-api.json is stale: node apps/admin-api/scripts/write-openapi.ts",
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
