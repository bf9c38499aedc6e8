import express from "express";
import request from "supertest";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createServiceApp, defineErrorCodes, MAX_VALIDATION_ISSUES, normalizeError, parseRouteInput } from "../src/index.ts";
import { captureLogs } from "./log-capture.ts";

const ready = () => Promise.resolve({ ready: true, database: "up" as const, pendingMigrations: [] });

function app(options: { redactPath?: (p: string) => string } = {}) {
  const logs = captureLogs();
  const router = express.Router();
  router.get("/i/:token", (_req, res) => {
    res.json({ ok: true });
  });
  router.get("/go", (_req, res) => {
    res.redirect(303, "https://pay.example.test/i/secret-token-456/done?session=also-secret#frag");
  });
  const built = createServiceApp({ logger: logs.logger, checkReadiness: ready, jsonLimit: "1kb", routers: [router], ...options });
  return { app: built, logs };
}

describe("every app's response hardening", () => {
  it("sends helmet's security headers and Cache-Control: no-store", async () => {
    const res = await request(app().app).get("/i/abc");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(res.headers["cache-control"]).toBe("no-store");
  });

  it("never logs a query string's values, nor a path the app redacts", async () => {
    const { app: a, logs } = app({ redactPath: (p) => p.replace(/^\/i\/[^/]+/, "/i/[redacted]") });
    await request(a).get("/i/secret-token-123?access_token=also-secret&x=1");
    const text = JSON.stringify(logs.lines());
    expect(text).toContain("/i/[redacted]?access_token=[redacted]&x=[redacted]");
    expect(text).not.toContain("secret-token-123");
    expect(text).not.toContain("also-secret");
  });

  it("logs a redirect's Location like a request path: redacted path, no query values", async () => {
    const { app: a, logs } = app({ redactPath: (p) => p.replace(/^\/i\/[^/]+/, "/i/[redacted]") });
    await request(a).get("/go").expect(303);
    const text = JSON.stringify(logs.lines());
    expect(text).toContain("https://pay.example.test/i/[redacted]/done?session=[redacted]");
    expect(text).not.toContain("secret-token-456");
    expect(text).not.toContain("also-secret");
  });
});

describe("the route kernel's errors", () => {
  it("lists at most the first 20 problems of a 400", () => {
    const body = z.object(Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}`, z.string()])));
    try {
      parseRouteInput({ body }, { params: {}, query: {}, body: {} });
      expect.unreachable();
    } catch (err) {
      const { status, body: error } = normalizeError(err);
      expect(status).toBe(400);
      expect((error.details?.issues as unknown[]).length).toBe(MAX_VALIDATION_ISSUES);
      expect(error.details?.more_issues).toBe(10);
    }
  });

  it("maps PostgreSQL integrity errors to 409/422 with the constraint, never 500, and never the row's values", () => {
    const pgError = (code: string) =>
      Object.assign(new Error("duplicate key value violates unique constraint"), {
        code,
        constraint: "teams_org_id_name_key",
        detail: "Key (name)=(secret) already exists.",
      });
    expect(normalizeError(pgError("23505"))).toMatchObject({
      status: 409,
      body: { code: "already_exists", details: { constraint: "teams_org_id_name_key" } },
    });
    expect(normalizeError(pgError("23503")).body.code).toBe("invalid_reference");
    expect(normalizeError(pgError("23514")).status).toBe(422);
    expect(JSON.stringify(normalizeError(pgError("23505")))).not.toContain("secret");
    // A NUL byte that reached PostgreSQL (22021) is the client's input: 400, not 500.
    expect(normalizeError(pgError("22021"))).toMatchObject({ status: 400, body: { code: "bad_request" }, unexpected: false });
  });

  it("lets a module own its codes with their status, and refuses a clash with a shared code", () => {
    const errors = defineErrorCodes({ test_owned_code: { status: 409, message: "Owned." } });
    expect(normalizeError(errors.test_owned_code()).status).toBe(409);
    expect(normalizeError(errors.test_owned_code("Said otherwise")).body).toEqual({ code: "test_owned_code", message: "Said otherwise" });
    expect(() => defineErrorCodes({ not_found: { status: 404, message: "x" } })).toThrow(TypeError);
  });
});
