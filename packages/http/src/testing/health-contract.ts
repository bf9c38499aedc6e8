import type { RequestListener } from "node:http";
import { pino, type Logger } from "pino";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closedPort } from "./closed-port.ts";
import { spawnServer, waitForListeningUrl } from "./server-process.ts";

type Closable = { end(): Promise<void> };
type TestDatabaseLike = { url: string; drop(): Promise<void> };
type ReadyzBody = { status: string; database: string; pending_migrations: string[] };
type ErrorResponseBody = { error: { code: string; message: string; request_id: string; details?: unknown } };

export type HealthContractOptions<P extends Closable> = {
  /** The app factory under test (`createApp` of the app). */
  createApp: (deps: { pool: P; logger: Logger }) => RequestListener;
  /**
   * `createPgPool` from `@cleanops/db`; `template` says which database the URL names (none for an unreachable one), so
   * a test can log in as the application role where its grants exist (head) and as the owner on a legacy database.
   */
  createPool: (url: string, template?: "head" | "legacy") => P;
  /** `createTestDatabase` from `@cleanops/db/testing`: a real database cloned from a migrated template. */
  createTestDatabase: (template: "head" | "legacy") => Promise<TestDatabaseLike>;
  /** Absolute path of the app's `src/server.ts`; when given, the process itself is started and stopped. */
  serverEntry?: string;
};

/**
 * The health / error-shape contract every CleanOps service must keep, run against a real PostgreSQL.
 * Each app's `test/health.test.ts` calls this with its own `createApp`.
 */
export function describeHealthContract<P extends Closable>(service: string, options: HealthContractOptions<P>): void {
  const logger = pino({ level: "silent" });
  const cleanups: (() => Promise<void>)[] = [];

  async function appOn(template: "head" | "legacy"): Promise<{ app: RequestListener; url: string }> {
    const db = await options.createTestDatabase(template);
    const pool = options.createPool(db.url, template);
    cleanups.push(
      () => pool.end(),
      () => db.drop(),
    );
    return { app: options.createApp({ pool, logger }), url: db.url };
  }

  describe(`${service}: health and error contract`, () => {
    let app: RequestListener;
    let headUrl: string;

    beforeAll(async () => {
      ({ app, url: headUrl } = await appOn("head"));
    });

    afterAll(async () => {
      // Pools before databases: DROP DATABASE waits for nobody, but open pools would log errors.
      for (const cleanup of cleanups.splice(0)) await cleanup();
    });

    it("GET /healthz answers 200 ok without a database round trip", async () => {
      const res = await request(app).get("/healthz").expect(200);
      expect(res.body).toEqual({ status: "ok" });
      expect(res.headers["x-powered-by"]).toBeUndefined();
    });

    it("GET /readyz answers 200 on a fully migrated database", async () => {
      const res = await request(app).get("/readyz").expect(200);
      expect(res.body).toEqual({ status: "ready", database: "up", pending_migrations: [] });
    });

    it("GET /readyz answers 503 listing the pending migrations on a legacy database", async () => {
      const legacy = await appOn("legacy");
      const res = await request(legacy.app).get("/readyz").expect(503);
      const body = res.body as ReadyzBody;
      expect(body.status).toBe("not_ready");
      expect(body.database).toBe("up");
      expect(body.pending_migrations.length).toBeGreaterThan(0);
      for (const name of body.pending_migrations) expect(name).toMatch(/^\S+$/);
    });

    it("GET /readyz answers 503 database down when the database cannot be reached", async () => {
      const pool = options.createPool(`postgres://cleanops@127.0.0.1:${await closedPort()}/nowhere`);
      cleanups.push(() => pool.end());
      const res = await request(options.createApp({ pool, logger })).get("/readyz").expect(503);
      expect(res.body).toEqual({ status: "not_ready", database: "down", pending_migrations: [] });
    });

    it("answers an unknown route with 404 not_found JSON carrying our own request id (the client's only echoed)", async () => {
      const res = await request(app).get("/no/such/route").set("x-request-id", "probe-404").expect(404);
      expect(res.headers["content-type"]).toMatch(/application\/json/);
      expect(res.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.headers["x-client-request-id"]).toBe("probe-404");
      const { error } = res.body as ErrorResponseBody;
      expect(Object.keys(error).sort()).toEqual(["code", "message", "request_id"]);
      expect(error).toMatchObject({ code: "not_found", request_id: res.headers["x-request-id"] });
      expect(error.message.length).toBeGreaterThan(0);
    });

    it("answers a malformed JSON body with 400 invalid_json and no stack trace", async () => {
      const res = await request(app).post("/healthz").set("content-type", "application/json").send('{"broken": ').expect(400);
      const { error } = res.body as ErrorResponseBody;
      expect(error.code).toBe("invalid_json");
      expect(error.request_id).toBe(res.headers["x-request-id"]);
      expect(res.text).not.toMatch(/SyntaxError|\bat \S+ \(|node_modules/);
    });

    const entry = options.serverEntry;
    if (entry) {
      it("the server process refuses to start without DATABASE_URL: one line on stderr, exit 1", async () => {
        const proc = spawnServer(entry, { NODE_ENV: "test" });
        expect(await proc.exited).toBe(1);
        expect(proc.stderr().trim().split("\n")).toEqual([expect.stringContaining("DATABASE_URL")]);
      });

      it("the server process serves, then shuts down cleanly on SIGTERM", async () => {
        const proc = spawnServer(entry, { DATABASE_URL: headUrl, PORT: "0", HOST: "127.0.0.1", NODE_ENV: "test" });
        try {
          const url = await waitForListeningUrl(proc);
          await request(url).get("/readyz").expect(200);
          proc.child.kill("SIGTERM");
          expect(await proc.exited).toBe(0);
          expect(proc.stderr()).toBe("");
        } finally {
          proc.child.kill("SIGKILL");
        }
      });
    }
  });
}
