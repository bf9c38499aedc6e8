import { createRequire } from "node:module";
import path from "node:path";
import express, { Router } from "express";
import { publicRoute } from "../request-context/route-access.ts";

const require = createRequire(import.meta.url);
// swagger-ui-dist is a folder of static files: served from node_modules, so the page works with no network.
const SWAGGER_DIR = path.dirname(require.resolve("swagger-ui-dist/package.json"));

const page = (title: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title.replace(/[<>&"]/g, "")}</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="docs"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`;

const INIT = `window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#docs", deepLinking: true });\n`;

/**
 * `GET /openapi.json` (the document, built once) and `GET /docs` (Swagger UI over it), both without sign-in: the
 * contract is public, the data is not.
 */
export function docsRouter(options: { title: string; document: () => unknown }): Router {
  const router = Router();
  let cached: string | undefined;
  router.get("/openapi.json", publicRoute("the API contract is public"), (_req, res) => {
    cached ??= JSON.stringify(options.document());
    res.type("application/json").send(cached);
  });
  router.get("/docs", publicRoute("the API contract is public"), (_req, res) => {
    res.type("html").send(page(options.title));
  });
  router.get("/docs/init.js", publicRoute("the API contract is public"), (_req, res) => {
    res.type("text/javascript").send(INIT);
  });
  const assets = express.static(SWAGGER_DIR, { index: false, maxAge: "1h" });
  router.get("/docs/assets/{*file}", publicRoute("the API contract is public"), (req, res, next) => {
    // Only the two files the page loads: the package also holds an index.html that points at a petstore.
    const file = req.path.slice("/docs/assets/".length);
    if (file !== "swagger-ui.css" && file !== "swagger-ui-bundle.js") {
      next();
      return;
    }
    req.url = `/${file}`;
    assets(req, res, next);
  });
  return router;
}
