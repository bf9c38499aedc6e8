import { readFileSync } from "node:fs";
import { ormOptions, ROLES, tenantOrmOptions } from "@cleanops/db";
import { listRoutes, publicRoute, type RouteEntry } from "@cleanops/http";
import { MikroORM } from "@mikro-orm/postgresql";
import express, { type Express } from "express";
import { pino } from "pino";
import request from "supertest";
import { afterAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.ts";
import { declaredRoutes } from "../src/kernel/mount.ts";
import { RESOURCES } from "../src/resources/index.ts";
import { capabilitiesOf, CAPABILITIES, isCapability, mayGrant, PERMISSIONS } from "../src/authz/permissions.ts";
import { extractRolesTable, renderRolesTable } from "../src/authz/roles-doc.ts";
import { TEST_KEY_RING } from "./support/test-keys.ts";

// The app is only walked and called without credentials here: the ORM never connects.
const orm = new MikroORM(tenantOrmOptions(ormOptions("postgres://nobody@127.0.0.1:9/never", { pool: { min: 0, max: 1 } })));
const app = createApp({ orm, logger: pino({ level: "silent" }), keyRing: TEST_KEY_RING });
afterAll(() => orm.close(true));

const describeRoute = (r: RouteEntry) =>
  `${r.method} ${r.path} ${r.access.map((a) => (a.kind === "public" ? "public" : a.capability)).join("+") || "(none)"}`;

/** The routes that declare no access, or more than one, or a capability the matrix does not know. */
function undeclared(target: Express): string[] {
  return listRoutes(target)
    .filter((r) => r.access.length !== 1 || r.access.some((a) => a.kind === "capability" && !isCapability(a.capability)))
    .map(describeRoute);
}

describe("every route declares the capability it needs", () => {
  it("no route of admin-api lacks a declaration (or has two, or an unknown capability)", () => {
    expect(listRoutes(app).length).toBeGreaterThan(10);
    expect(undeclared(app)).toEqual([]);
  });

  it("the check itself catches an undeclared route, a nested one included", () => {
    const bad = express();
    const nested = express.Router();
    nested.get("/:id", (_req, res) => res.end());
    const router = express.Router();
    router.get("/declared", publicRoute("test"), (_req, res) => res.end());
    router.post("/forgotten", (_req, res) => res.end());
    router.use("/nested", nested);
    bad.use(router);
    expect(undeclared(bad)).toEqual(["POST /forgotten (none)", "GET /nested/:id (none)"]);
  });

  it("the route table, as reviewed (a new route outside the resource declarations shows up here)", () => {
    const declared = new Set(declaredRoutes(RESOURCES).map((r) => `${r.method.toUpperCase()} ${r.path}`));
    const docs = ["GET /openapi.json", "GET /docs", "GET /docs/init.js", "GET /docs/assets/{*file}"];
    const rest = listRoutes(app)
      .filter((r) => !declared.has(`${r.method} ${r.path}`) && !docs.includes(`${r.method} ${r.path}`))
      .map(describeRoute);
    expect(rest).toEqual(["GET /healthz public", "GET /readyz public"]);
  });

  it("every guarded route answers 401 token_missing without a token: none is open by accident", async () => {
    const guarded = listRoutes(app).filter((r) => r.access.every((a) => a.kind === "capability"));
    for (const r of guarded) {
      const path = r.path.replace(/:\w+/g, "00000000-0000-4000-8000-000000000000");
      const res = await request(app)[r.method.toLowerCase() as "get" | "post" | "patch" | "delete"](path).send({});
      expect([r.path, res.status, res.body.error?.code]).toEqual([r.path, 401, "token_missing"]);
    }
  });
});

describe("the permission matrix", () => {
  it("owner has everything", () => {
    expect(capabilitiesOf("owner")).toEqual(CAPABILITIES);
  });

  it("admin has everything but billing and owners (and deleting the org)", () => {
    expect(CAPABILITIES.filter((c) => !capabilitiesOf("admin").includes(c))).toEqual([
      "org.delete",
      "billing.read",
      "billing.manage",
      "ownership.transfer",
      "owners.manage",
    ]);
  });

  const business = (role: "dispatcher" | "finance") =>
    capabilitiesOf(role).filter((c) => !c.startsWith("session.") && c !== "account.manage" && c !== "org.read");

  it("dispatcher: bookings, teams, schedules, workers, clients, leads, checklists, add-ons; invoices read-only", () => {
    expect(business("dispatcher").sort()).toEqual(
      [
        ...["bookings", "teams", "schedules", "workers", "clients", "leads", "checklists", "addons"].flatMap((r) => [
          `${r}.read`,
          `${r}.write`,
        ]),
        "invoices.read",
        "emails.read",
      ].sort(),
    );
  });

  it("finance: invoices, payments, public links, disputes, adjustments, subscriptions, documents; bookings and clients read-only", () => {
    expect(business("finance").sort()).toEqual(
      [
        ...["invoices", "payments", "public_links", "disputes", "adjustments", "subscriptions", "documents"].flatMap((r) => [
          `${r}.read`,
          `${r}.write`,
        ]),
        "bookings.read",
        "clients.read",
        "emails.read",
      ].sort(),
    );
  });

  it("nobody grants a role above their own; only owners grant owner", () => {
    const granted = Object.fromEntries(ROLES.map((actor) => [actor, ROLES.filter((r) => mayGrant(actor, r))]));
    expect(granted).toEqual({
      owner: ["owner", "admin", "dispatcher", "finance"],
      admin: ["admin", "dispatcher", "finance"],
      dispatcher: ["dispatcher", "finance"],
      finance: ["dispatcher", "finance"],
    });
  });

  it("every capability has a description and at least the owner", () => {
    for (const c of CAPABILITIES) {
      expect(PERMISSIONS[c].about.length, c).toBeGreaterThan(5);
      expect(PERMISSIONS[c].roles, c).toContain("owner");
    }
  });

  it("docs/roles.md shows exactly this matrix (regenerate: pnpm exec node scripts/render-roles-doc.ts)", () => {
    const doc = readFileSync(new URL("../../../docs/roles.md", import.meta.url), "utf8");
    expect(extractRolesTable(doc)).toBe(renderRolesTable());
  });
});
