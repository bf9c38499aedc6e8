import express, { type Express, type RequestHandler } from "express";
import request from "supertest";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  AppError,
  conflict,
  createServiceApp,
  DEFAULT_ERROR_MESSAGE,
  ERROR_STATUS,
  errorHandler,
  forbidden,
  internalError,
  normalizeError,
  notFound,
  rateLimited,
  requestId,
  requestLogger,
  serviceUnavailable,
  unauthorized,
  validationFailed,
  type ErrorCode,
} from "../src/index.ts";
import { captureLogs } from "./log-capture.ts";

const ready = () => Promise.resolve({ ready: true, database: "up" as const, pendingMigrations: [] });

const throwing =
  (err: unknown): RequestHandler =>
  () => {
    throw err;
  };
const ok: RequestHandler = (_req, res) => {
  res.end();
};

/** The real platform stack with `handler` on /boom. */
function appServing(handler: RequestHandler, logs = captureLogs()): Express {
  const router = express.Router();
  router.all("/boom", handler);
  return createServiceApp({ logger: logs.logger, checkReadiness: ready, jsonLimit: "1kb", routers: [router] });
}

describe("error codes", () => {
  it("maps every code to one status and has a default message for it", () => {
    for (const code of Object.keys(ERROR_STATUS) as ErrorCode[]) {
      const err = new AppError(code);
      expect(err.status).toBe(ERROR_STATUS[code]);
      expect(err.message).toBe(DEFAULT_ERROR_MESSAGE[code]);
    }
  });

  it("helpers build AppErrors with the documented statuses", () => {
    const built = [
      notFound(),
      validationFailed(),
      unauthorized(),
      forbidden(),
      conflict(),
      rateLimited(),
      serviceUnavailable(),
      internalError(),
    ];
    expect(built.map((e) => [e.code, e.status])).toEqual([
      ["not_found", 404],
      ["validation_failed", 400],
      ["unauthorized", 401],
      ["forbidden", 403],
      ["conflict", 409],
      ["rate_limited", 429],
      ["service_unavailable", 503],
      ["internal", 500],
    ]);
  });

  it("keeps the cause for logs and out of the client body", () => {
    const cause = new Error("duplicate key value violates unique constraint invoices_pkey");
    const err = conflict("Invoice already exists.", { cause, details: { invoice_id: "inv_1" } });
    expect(err.cause).toBe(cause);
    expect(normalizeError(err).body).toEqual({
      code: "conflict",
      message: "Invoice already exists.",
      details: { invoice_id: "inv_1" },
    });
  });
});

describe("error handler", () => {
  it.each([
    ["not_found", notFound("Invoice not found."), 404],
    ["unauthorized", unauthorized(), 401],
    ["forbidden", forbidden("Not your organization."), 403],
    ["conflict", conflict("Already paid."), 409],
    ["service_unavailable", serviceUnavailable("Payments are down."), 503],
  ] as const)("answers AppError %s with its status and message", async (code, error, status) => {
    const res = await request(appServing(throwing(error)))
      .get("/boom")
      .set("x-request-id", "req-1")
      .expect(status);
    expect(res.body).toEqual({ error: { code, message: error.message, request_id: res.headers["x-request-id"] } });
  });

  it("answers rejected async handlers the same way (Express 5)", async () => {
    const res = await request(appServing(() => Promise.reject(notFound("Gone."))))
      .get("/boom")
      .expect(404);
    expect(res.body.error).toMatchObject({ code: "not_found", message: "Gone." });
  });

  it("sends the error's own headers, e.g. Retry-After", async () => {
    const res = await request(appServing(throwing(rateLimited(undefined, { retryAfterSeconds: 30 }))))
      .get("/boom")
      .expect(429);
    expect(res.headers["retry-after"]).toBe("30");
    expect(res.body.error.code).toBe("rate_limited");
  });

  it("answers zod errors with 400 validation_failed and the field issues, without echoing input", async () => {
    const schema = z.object({ email: z.email(), hours: z.number().int().positive() });
    const app = appServing((req, res) => {
      res.json(schema.parse(req.body));
    });
    const res = await request(app).post("/boom").send({ email: "secret-not-an-email", hours: -2 }).expect(400);
    expect(res.body.error).toMatchObject({
      code: "validation_failed",
      message: DEFAULT_ERROR_MESSAGE.validation_failed,
    });
    expect(res.body.error.details.issues).toEqual([
      { path: ["email"], code: "invalid_format", message: expect.any(String) },
      { path: ["hours"], code: "too_small", message: expect.any(String) },
    ]);
    expect(res.text).not.toContain("secret-not-an-email");
  });

  it("answers malformed JSON with 400 invalid_json", async () => {
    const res = await request(appServing(ok)).post("/boom").set("content-type", "application/json").send('{"a":').expect(400);
    expect(res.body.error.code).toBe("invalid_json");
    expect(res.text).not.toMatch(/SyntaxError|Unexpected/);
  });

  it("answers a body over the limit with 413 payload_too_large", async () => {
    const res = await request(appServing(ok))
      .post("/boom")
      .send({ note: "x".repeat(2_000) })
      .expect(413);
    expect(res.body.error.code).toBe("payload_too_large");
  });

  it("answers an unsupported body encoding with 415", async () => {
    const res = await request(appServing(ok))
      .post("/boom")
      .set("content-type", "application/json; charset=latin-9000")
      .send("{}")
      .expect(415);
    expect(res.body.error.code).toBe("unsupported_media_type");
  });

  it("answers unknown routes with 404 not_found", async () => {
    const res = await request(appServing(ok)).delete("/nowhere").expect(404);
    expect(res.body.error.code).toBe("not_found");
    expect(typeof res.body.error.request_id).toBe("string");
  });

  it("answers anything else with a generic 500 internal, logs it with its stack and the request id", async () => {
    const logs = captureLogs();
    const app = appServing(() => {
      throw new Error("connection to 10.0.0.5 refused: password=hunter2");
    }, logs);
    const res = await request(app).get("/boom").set("x-request-id", "req-500").expect(500);
    expect(res.body).toEqual({
      error: { code: "internal", message: DEFAULT_ERROR_MESSAGE.internal, request_id: res.headers["x-request-id"] },
    });
    expect(res.text).not.toMatch(/hunter2|10\.0\.0\.5|at /);
    const line = logs.lines().find((l) => l.level === 50);
    expect(line).toMatchObject({ reqId: res.headers["x-request-id"], err: { message: expect.stringContaining("refused") } });
    expect((line?.err as { stack?: string }).stack).toContain("errors.test.ts");
  });

  it("never sends the message of an `internal` AppError", async () => {
    const res = await request(appServing(throwing(internalError("invariant broken in ledger 42"))))
      .get("/boom")
      .expect(500);
    expect(res.body.error.message).toBe(DEFAULT_ERROR_MESSAGE.internal);
  });

  it("logs unexpected errors itself when no request logger is mounted", async () => {
    const logs = captureLogs();
    const app = express();
    app.use(requestId());
    app.get("/boom", () => {
      throw new TypeError("undefined is not a function");
    });
    app.use(errorHandler({ logger: logs.logger }));
    const res = await request(app).get("/boom").set("x-request-id", "bare-1").expect(500);
    expect(res.body.error.code).toBe("internal");
    expect(logs.lines()).toEqual([
      expect.objectContaining({ level: 50, reqId: res.headers["x-request-id"], err: expect.objectContaining({ type: "TypeError" }) }),
    ]);
  });

  it("does not log client errors as errors", async () => {
    const logs = captureLogs();
    await request(appServing(throwing(forbidden()), logs))
      .get("/boom")
      .expect(403);
    expect(logs.lines().map((l) => l.level)).toEqual([40]);
  });
});

describe("request id and request logging", () => {
  it("keeps its own id, never the client's (not trusted to be unique); a sane client id is echoed as x-client-request-id", async () => {
    const app = appServing(ok);
    const a = await request(app).get("/healthz").set("x-request-id", "abc-123_x.y").expect(200);
    const b = await request(app).get("/healthz").set("x-request-id", "abc-123_x.y").expect(200);
    expect(a.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.headers["x-request-id"]).not.toBe(b.headers["x-request-id"]);
    expect(a.headers["x-client-request-id"]).toBe("abc-123_x.y");
  });

  it.each([['has spaces and "quotes"'], ["x".repeat(200)], ["-starts-with-dash"]])(
    "drops an insane incoming id (%s): not echoed, a fresh uuid",
    async (incoming) => {
      const res = await request(appServing(ok)).get("/healthz").set("x-request-id", incoming).expect(200);
      expect(res.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.headers["x-client-request-id"]).toBeUndefined();
    },
  );

  it("generates a uuid when none is sent, and a new one per request", async () => {
    const app = appServing(ok);
    const a = await request(app).get("/healthz");
    const b = await request(app).get("/healthz");
    expect(a.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.headers["x-request-id"]).not.toBe(b.headers["x-request-id"]);
  });

  it("ignores incoming ids when told not to trust them", async () => {
    const app = express();
    app.use(requestId({ trustIncoming: false }));
    app.get("/", (_req, res) => res.end());
    const res = await request(app).get("/").set("x-request-id", "client-chosen");
    expect(res.headers["x-request-id"]).not.toBe("client-chosen");
    expect(res.headers["x-client-request-id"]).toBeUndefined();
  });

  it("logs one line per request with the id, redacting authorization and cookies", async () => {
    const logs = captureLogs();
    const app = express();
    app.use(requestId());
    app.use(requestLogger({ logger: logs.logger }));
    app.get("/me", (_req, res) => {
      res.cookie("session", "s3cr3t-session").json({ ok: true });
    });
    const res = await request(app)
      .get("/me")
      .set("x-request-id", "log-1")
      .set("authorization", "Bearer s3cr3t-token")
      .set("cookie", "session=s3cr3t-cookie")
      .expect(200);
    const lines = logs.lines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      reqId: res.headers["x-request-id"],
      req: { method: "GET", url: "/me", headers: { authorization: "[redacted]", cookie: "[redacted]" } },
      res: { statusCode: 200, headers: { "set-cookie": "[redacted]" } },
    });
    expect(JSON.stringify(lines)).not.toContain("s3cr3t");
  });

  it("keeps successful probes out of the log but logs failing ones", async () => {
    const logs = captureLogs();
    let up = true;
    const app = createServiceApp({
      logger: logs.logger,
      jsonLimit: "1kb",
      checkReadiness: () => Promise.resolve({ ready: up, database: up ? "up" : "down", pendingMigrations: [] }),
    });
    await request(app).get("/healthz").expect(200);
    await request(app).get("/readyz").expect(200);
    up = false;
    await request(app).get("/readyz").expect(503);
    const lines = logs.lines();
    expect(lines.map((l) => [l.level, (l.res as { statusCode: number }).statusCode])).toEqual([[40, 503]]);
    expect(lines[0]).not.toHaveProperty("err");
  });
});
