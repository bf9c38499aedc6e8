import express from "express";
import request from "supertest";
import { describe, expect, it } from "vitest";
import { createHealthRouter, type Readiness, type ReadinessCheck } from "../src/index.ts";
import { captureLogs } from "./log-capture.ts";

function appWith(checkReadiness: ReadinessCheck, timeoutMs?: number) {
  const logs = captureLogs();
  const app = express();
  app.use(createHealthRouter({ checkReadiness, logger: logs.logger, ...(timeoutMs ? { timeoutMs } : {}) }));
  return { app, logs };
}

const stub =
  (r: Readiness): ReadinessCheck =>
  () =>
    Promise.resolve(r);

describe("health router", () => {
  it("GET /healthz is 200 ok and never calls the readiness check", async () => {
    let calls = 0;
    const { app } = appWith(() => {
      calls++;
      return Promise.reject(new Error("should not be called"));
    });
    const res = await request(app).get("/healthz").expect(200);
    expect(res.body).toEqual({ status: "ok" });
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(calls).toBe(0);
  });

  it("GET /readyz is 200 ready when the database is up and migrated", async () => {
    const { app } = appWith(stub({ ready: true, database: "up", pendingMigrations: [] }));
    const res = await request(app).get("/readyz").expect(200);
    expect(res.body).toEqual({ status: "ready", database: "up", pending_migrations: [] });
    expect(res.headers["cache-control"]).toBe("no-store");
  });

  it("GET /readyz is 503 with the pending migrations", async () => {
    const pending = ["Migration0034OrgIdUuidAndDefaultOrg", "Migration0035AddOrgIdToCoreTables"];
    const { app } = appWith(stub({ ready: false, database: "up", pendingMigrations: pending }));
    const res = await request(app).get("/readyz").expect(503);
    expect(res.body).toEqual({ status: "not_ready", database: "up", pending_migrations: pending });
  });

  it("GET /readyz is 503 database down when the database is unreachable", async () => {
    const { app } = appWith(stub({ ready: false, database: "down", pendingMigrations: [] }));
    const res = await request(app).get("/readyz").expect(503);
    expect(res.body).toEqual({ status: "not_ready", database: "down", pending_migrations: [] });
  });

  it("GET /readyz is 503 (and logs) when the check itself throws", async () => {
    const { app, logs } = appWith(() => Promise.reject(new Error("pool is closed")));
    const res = await request(app).get("/readyz").expect(503);
    expect(res.body).toEqual({ status: "not_ready", database: "down", pending_migrations: [] });
    expect(logs.lines()).toEqual([expect.objectContaining({ level: 50, msg: "readiness check failed" })]);
  });

  it("GET /readyz is 503 instead of hanging when the check is too slow", async () => {
    const { app } = appWith(() => new Promise<Readiness>(() => undefined), 50);
    const started = Date.now();
    const res = await request(app).get("/readyz").expect(503);
    expect(res.body.database).toBe("down");
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("never reports ready when the check contradicts itself", async () => {
    const { app } = appWith(stub({ ready: true, database: "up", pendingMigrations: ["Migration0099"] }));
    await request(app).get("/readyz").expect(503);
  });
});
