import { listRoutes, openApiPath } from "@cleanops/http";
import { expectDocumentedRoutes, expectOfflineDocs } from "@cleanops/http/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openApiDocument, publicInvoiceRoutes } from "../src/openapi.ts";
import { startTestApp, type TestApp } from "./support/test-app.ts";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe("the OpenAPI document is the app", () => {
  it("GET /openapi.json documents exactly the routes, and docs/openapi/public-invoices.json is not stale", async () => {
    const served = await expectDocumentedRoutes(t.app, {
      routes: publicInvoiceRoutes("local"),
      document: () => openApiDocument("local"),
      committedFile: new URL("../../../docs/openapi/public-invoices.json", import.meta.url),
      writeCommand: "node apps/public-invoices/scripts/write-openapi.ts",
    });
    expect(Object.keys(served.paths)).toContain("/i/{token}");
  });

  it("every route Express serves (health aside) is documented, and nothing documented is missing from Express", () => {
    const served = listRoutes(t.app)
      .map((r) => `${r.method} ${openApiPath(r.path)}`)
      .filter((r) => !/ \/(healthz|readyz|docs\/|openapi\.json|docs$)/.test(r));
    const documented = publicInvoiceRoutes("local").map((r) => `${r.method.toUpperCase()} ${openApiPath(r.path)}`);
    expect([...new Set(served)].sort()).toEqual(documented.sort());
  });

  it("GET /docs is a page whose assets are served here (no CDN)", async () => {
    await expectOfflineDocs(t.app);
  });
});
