import { EventEmitter } from "node:events";
import request from "supertest";
import { describe, expect, it } from "vitest";
import { createServiceApp, serve, startServer } from "../src/index.ts";
import { captureLogs } from "./log-capture.ts";

describe("startServer", () => {
  it("listens on an ephemeral port, reports its url, and stops", async () => {
    const app = createServiceApp({
      logger: captureLogs().logger,
      jsonLimit: "1kb",
      checkReadiness: () => Promise.resolve({ ready: true, database: "up", pendingMigrations: [] }),
    });
    const running = await startServer(app, { host: "127.0.0.1", port: 0 });
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await request(running.url).get("/healthz").expect(200);
    await running.stop();
    expect(running.server.listening).toBe(false);
  });

  it("rejects when the port is taken instead of crashing", async () => {
    const first = await startServer((_req, res) => res.end(), { host: "127.0.0.1", port: 0 });
    const port = Number(new URL(first.url).port);
    await expect(startServer((_req, res) => res.end(), { host: "127.0.0.1", port })).rejects.toMatchObject({
      code: "EADDRINUSE",
    });
    await first.stop();
  });

  it("lets an in-flight request finish before closing", async () => {
    let release: () => void = () => undefined;
    // Resolved by the handler itself: stop() is called once the request is in flight, not after a guessed delay.
    let onArrived: () => void = () => undefined;
    const arrived = new Promise<void>((resolve) => (onArrived = resolve));
    const running = await startServer(
      (_req, res) => {
        release = () => res.end("done");
        onArrived();
      },
      { host: "127.0.0.1", port: 0 },
    );
    const pending = request(running.url).get("/slow");
    const response = pending.then((r) => r.text);
    await arrived;
    const stopped = running.stop(5_000);
    release();
    expect(await response).toBe("done");
    await stopped;
  });

  it("serve logs the url and a resource's background errors instead of crashing on them", async () => {
    const logs = captureLogs();
    const pool = new EventEmitter();
    const running = await serve((_req, res) => res.end(), {
      host: "127.0.0.1",
      port: 0,
      logger: logs.logger,
      resources: [{ name: "database pool", events: pool, close: () => Promise.resolve() }],
    });
    pool.emit("error", new Error("terminating connection due to administrator command"));
    await running.stop();
    expect(logs.lines()).toEqual([
      expect.objectContaining({ msg: "listening", url: running.url }),
      expect.objectContaining({ level: 50, resource: "database pool", msg: "background error" }),
    ]);
  });
});
