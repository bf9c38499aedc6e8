import express, { type Request } from "express";
import request from "supertest";
import { describe, expect, it } from "vitest";
import {
  AppError,
  authenticationFailed,
  createOrgAccess,
  createServiceApp,
  ERROR_STATUS,
  listRoutes,
  publicRoute,
  readBearerToken,
  type ErrorCode,
} from "../src/index.ts";
import { captureLogs } from "./log-capture.ts";

const ready = () => Promise.resolve({ ready: true, database: "up" as const, pendingMigrations: [] });

type Role = "boss" | "clerk";
type Capability = "ledger.read" | "ledger.close";
const MATRIX: Record<Role, readonly Capability[]> = { boss: ["ledger.read", "ledger.close"], clerk: ["ledger.read"] };

/** Tokens are "<user>:<org>"; the role comes from this table, as it would from the memberships table. */
const MEMBERSHIPS: Record<string, Role> = { "ann:org-1": "boss", "bob:org-1": "clerk" };

function appUnderTest() {
  const calls = { authenticate: 0, entityManager: [] as string[] };
  const access = createOrgAccess<{ userId: string }, Role, { boundTo: string }, Capability>({
    authenticate: (req: Request) => {
      calls.authenticate++;
      const token = readBearerToken(req);
      if (token === undefined) return Promise.reject(authenticationFailed("token_missing", { realm: "test" }));
      const role = MEMBERSHIPS[token];
      const [userId = "", orgId = ""] = token.split(":");
      if (!role) return Promise.reject(authenticationFailed("membership_revoked", { realm: "test" }));
      return Promise.resolve({ principal: { userId }, orgId, role });
    },
    entityManager: (orgId) => {
      calls.entityManager.push(orgId);
      return { boundTo: orgId };
    },
    allows: (role, capability) => MATRIX[role].includes(capability),
  });
  const router = express.Router();
  router.get("/ledger", access.require("ledger.read"), (_req, res) => {
    const ctx = access.context(res);
    res.json({ user: ctx.principal.userId, org: ctx.orgId, role: ctx.role, em: ctx.em.boundTo });
  });
  // Two guards on one route: the context is bound by the first and reused by the second.
  router.post("/ledger/close", access.require("ledger.read"), access.require("ledger.close"), (_req, res) => {
    res.status(204).end();
  });
  router.get("/open", publicRoute("anyone may look"), (_req, res) => {
    res.json({ bound: access.find(res) !== undefined });
  });
  router.get("/forgot", (_req, res) => {
    access.context(res);
    res.end();
  });
  const nested = express.Router();
  nested.delete("/:id", access.require("ledger.close"), (_req, res) => res.status(204).end());
  router.use("/nested", nested);
  const app = createServiceApp({ logger: captureLogs().logger, checkReadiness: ready, jsonLimit: "1kb", routers: [router] });
  return { app, calls };
}

describe("org request context", () => {
  it("binds the context once, with the role and org the authenticator established and an org-bound em", async () => {
    const { app, calls } = appUnderTest();
    const res = await request(app).get("/ledger").set("authorization", "Bearer bob:org-1").expect(200);
    expect(res.body).toEqual({ user: "bob", org: "org-1", role: "clerk", em: "org-1" });
    await request(app).post("/ledger/close").set("authorization", "Bearer ann:org-1").expect(204);
    expect(calls.authenticate).toBe(2);
    expect(calls.entityManager).toEqual(["org-1", "org-1"]);
  });

  it("answers 403 forbidden naming the capability the role lacks", async () => {
    const { app } = appUnderTest();
    const res = await request(app).post("/ledger/close").set("authorization", "Bearer bob:org-1").expect(403);
    expect(res.body.error).toMatchObject({ code: "forbidden", details: { capability: "ledger.close" } });
  });

  it("answers 401 with the authenticator's code and an RFC 6750 challenge", async () => {
    const { app } = appUnderTest();
    const missing = await request(app).get("/ledger").expect(401);
    expect(missing.body.error.code).toBe("token_missing");
    expect(missing.headers["www-authenticate"]).toBe('Bearer realm="test"');
    const revoked = await request(app).get("/ledger").set("authorization", "Bearer eve:org-1").expect(401);
    expect(revoked.body.error.code).toBe("membership_revoked");
    expect(revoked.headers["www-authenticate"]).toBe('Bearer realm="test", error="invalid_token"');
    await request(app).get("/ledger").set("authorization", "Basic Ym9iOm9yZy0x").expect(401);
  });

  it("public routes bind nothing; reading the context without a guard is a 500, not a silent pass", async () => {
    const { app } = appUnderTest();
    expect((await request(app).get("/open").set("authorization", "Bearer ann:org-1").expect(200)).body).toEqual({ bound: false });
    const res = await request(app).get("/forgot").set("authorization", "Bearer ann:org-1").expect(500);
    expect(res.body.error.code).toBe("internal");
  });

  it("lists every route with its declaration, nested routers and the health probes included", () => {
    const { app } = appUnderTest();
    const routes = listRoutes(app).map(
      (r) => `${r.method} ${r.path} ${r.access.map((a) => (a.kind === "public" ? "public" : a.capability)).join("+") || "-"}`,
    );
    expect(routes).toEqual([
      "GET /healthz public",
      "GET /readyz public",
      "GET /ledger ledger.read",
      "POST /ledger/close ledger.read+ledger.close",
      "GET /open public",
      "GET /forgot -",
      "DELETE /nested/:id ledger.close",
    ]);
  });

  it("refuses a public route without a reason", () => {
    expect(() => publicRoute(" ")).toThrow(TypeError);
  });

  it("reads the bearer token strictly", () => {
    const req = (authorization?: string) => ({ headers: authorization === undefined ? {} : { authorization } }) as Request;
    expect(readBearerToken(req("Bearer abc.def.ghi"))).toBe("abc.def.ghi");
    expect(readBearerToken(req("bearer abc"))).toBe("abc");
    expect(readBearerToken(req("Bearer"))).toBeUndefined();
    expect(readBearerToken(req("Bearer a b"))).toBeUndefined();
    expect(readBearerToken(req())).toBeUndefined();
  });

  it("every authentication code is a 401", () => {
    const codes: ErrorCode[] = ["token_expired", "token_missing_org", "membership_revoked", "invalid_credentials"];
    for (const code of codes) expect(ERROR_STATUS[code]).toBe(401);
    expect(authenticationFailed("token_expired", { realm: "x" })).toBeInstanceOf(AppError);
  });
});
