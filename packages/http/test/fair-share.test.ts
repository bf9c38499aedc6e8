import { AsyncLocalStorage } from "node:async_hooks";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { EventEmitter } from "node:events";
import express, { type NextFunction, type Request, type Response } from "express";
import { afterEach, describe, expect, it } from "vitest";
import { errorHandler } from "../src/errors/error-handler.ts";
import { fairShare } from "../src/request/fair-share.ts";
import { captureLogs } from "./log-capture.ts";

type Gate = ReturnType<typeof fairShare>;

/**
 * A server whose requests finish only when the test says so: `release(org)` answers the oldest running request of
 * that org, `releaseNewest(org)` the newest. The order in which requests START is what the gate decides.
 */
async function gatedServer(
  concurrency: number,
  maxQueuedPerKey = 100,
  answerAtOnce = false,
  maxRunningPerKey?: number,
  stepAsideMs?: number,
  now?: () => number,
) {
  const started: string[] = [];

  const running = new Map<string, (() => void)[]>();
  const gate: Gate = fairShare({
    concurrency,
    maxQueuedPerKey,
    ...(maxRunningPerKey ? { maxRunningPerKey } : {}),
    ...(stepAsideMs === undefined ? {} : { stepAsideMs }),
    ...(now === undefined ? {} : { now }),
    keyOf: (req) => String(req.headers["x-org"] ?? "public"),
  });
  const app = express();
  app.use(express.json());
  app.use(gate);
  app.all("/work/:name", (req, res) => {
    const org = String(req.headers["x-org"]);
    started.push(`${org}:${req.params.name}`);
    const list = running.get(org) ?? [];
    if (answerAtOnce) {
      setImmediate(() => res.json({ ok: true }));
      return;
    }
    list.push(() => res.json({ ok: true }));
    running.set(org, list);
  });
  app.use(errorHandler({ logger: captureLogs().logger }));
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const send = (org: string, name: string, body?: string) =>
    new Promise<number>((resolve, reject) => {
      const headers = {
        "x-org": org,
        ...(body ? { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) } : {}),
      };
      const req = http.request({ host: "127.0.0.1", port, path: `/work/${name}`, method: body ? "POST" : "GET", headers, agent }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      });
      req.on("error", reject);
      req.end(body);
    });
  const release = (org: string) => running.get(org)?.shift()?.();
  const releaseNewest = (org: string) => running.get(org)?.pop()?.();
  const close = async () => {
    agent.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { gate, started, send, release, releaseNewest, close };
}

const until = async (check: () => boolean) => {
  await expect.poll(check, { timeout: 20_000, interval: 5 }).toBe(true);
};

let closeServer: (() => Promise<void>) | undefined;
afterEach(async () => {
  await closeServer?.();
  closeServer = undefined;
});

describe("fairShare: turns between orgs", () => {
  it("starts a small org's request at the next free slot, ahead of a large org's waiting burst", async () => {
    const s = await gatedServer(2);
    closeServer = s.close;
    const large = Array.from({ length: 6 }, (_, i) => s.send("large", `l${i}`));
    await until(() => s.started.length === 2 && s.gate.stats().queued === 4);
    const small = s.send("small", "s0");
    await until(() => s.gate.stats().queued === 5);
    s.release("large");
    await until(() => s.started.length === 3);
    expect(s.started[2]).toBe("small:s0");
    s.release("small");
    expect(await small).toBe(200);
    for (let i = 0; i < 6; i++) {
      await until(() => s.started.filter((x) => x.startsWith("large")).length > i);
      s.release("large");
    }
    expect(await Promise.all(large)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(s.gate.stats()).toEqual({ running: 0, queued: 0, keys: 0 });
  });

  it("keeps one org to its share of slots: free slots stay free for the other orgs", async () => {
    const s = await gatedServer(3, 100, false, 1);
    closeServer = s.close;
    const big = [s.send("big", "b0"), s.send("big", "b1")];
    await until(() => s.started.length === 1 && s.gate.stats().queued === 1);
    const small = s.send("small", "s0");
    await until(() => s.started.length === 2);
    expect(s.started).toEqual(["big:b0", "small:s0"]);
    s.release("small");
    s.release("big");
    await until(() => s.started.length === 3);
    s.release("big");
    expect(await small).toBe(200);
    expect(await Promise.all(big)).toEqual([200, 200]);
    expect(s.gate.stats()).toEqual({ running: 0, queued: 0, keys: 0 });
  });

  it("with stepAsideMs, runs one org's short requests one at a time while another org's start at once", async () => {
    const s = await gatedServer(10, 100, false, 3, 60_000);
    closeServer = s.close;
    const first = s.send("small", "s0");
    await until(() => s.started.length === 1);
    s.release("small");
    expect(await first).toBe(200);
    const big = [s.send("big", "b0"), s.send("big", "b1"), s.send("big", "b2")];
    await until(() => s.started.length === 2 && s.gate.stats().queued === 2);
    const small = s.send("small", "s1");
    await until(() => s.started.length === 3);
    expect(s.started).toEqual(["small:s0", "big:b0", "small:s1"]);
    s.release("big");
    await until(() => s.started.length === 4);
    expect(s.started[3]).toBe("big:b1");
    expect(s.gate.stats()).toMatchObject({ running: 2, queued: 1 });
    s.release("big");
    await until(() => s.started.length === 5);
    s.release("big");
    s.release("small");
    expect(await Promise.all(big)).toEqual([200, 200, 200]);
    expect(await small).toBe(200);
    expect(s.gate.stats()).toEqual({ running: 0, queued: 0, keys: 0 });
  });

  it("with stepAsideMs, a long request steps aside: the org's next starts while it still runs, up to maxRunningPerKey", async () => {
    // The gate's own clock, moved by hand: how long the upload has run is exactly what the test says, however slow
    // the machine (a wall-clock bound here once failed by 0.2 ms on a loaded CI machine).
    let t = 0;
    const s = await gatedServer(10, 100, false, 2, 30, () => t);
    closeServer = s.close;
    const other = s.send("other", "o0");
    await until(() => s.started.length === 1);
    s.release("other");
    expect(await other).toBe(200);
    s.started.length = 0;
    const slow = s.send("org", "upload");
    await until(() => s.started.length === 1);
    const later = [s.send("org", "n1"), s.send("org", "n2")];
    // 29 ms into the upload both wait behind it (another org is about) ...
    t = 29;
    await until(() => s.gate.stats().queued === 2);
    expect(s.started).toEqual(["org:upload"]);
    // ... after 30 ms, n1 starts beside it; n2 waits: two running is this org's most.
    t = 30;
    await until(() => s.started.length === 2);
    expect(s.started).toEqual(["org:upload", "org:n1"]);
    expect(s.gate.stats()).toMatchObject({ running: 2, queued: 1 });
    // The upload ends; n2 starts once n1, now the org's youngest, has run 30 ms too.
    s.release("org");
    t = 60;
    await until(() => s.started.length === 3);
    s.release("org");
    s.release("org");
    expect(await slow).toBe(200);
    expect(await Promise.all(later)).toEqual([200, 200]);
    expect(s.gate.stats()).toEqual({ running: 0, queued: 0, keys: 0 });
  });

  it("with stepAsideMs, waits on the youngest request still RUNNING, not on one that already ended", async () => {
    let t = 0;
    const s = await gatedServer(10, 100, false, 3, 100, () => t);
    closeServer = s.close;
    const other = s.send("other", "o0");
    await until(() => s.started.length === 1);
    s.release("other");
    expect(await other).toBe(200);
    const old = s.send("org", "old");
    await until(() => s.started.length === 2);
    t = 150;
    const young = s.send("org", "young");
    await until(() => s.started.length === 3);
    s.releaseNewest("org");
    expect(await young).toBe(200);
    // "old" has run 160 ms; "young" started 10 ms ago but has ended: the next may start beside "old" at once.
    t = 160;
    const third = s.send("org", "third");
    await until(() => s.started.length === 4);
    expect(s.started).toEqual(["other:o0", "org:old", "org:young", "org:third"]);
    // While "third" (10 ms old) runs, a fourth waits its turn, and starts when "third" ends.
    t = 170;
    const fourth = s.send("org", "fourth");
    await until(() => s.gate.stats().queued === 1);
    expect(s.gate.stats()).toMatchObject({ running: 2, queued: 1 });
    s.releaseNewest("org");
    await until(() => s.started.length === 5);
    s.release("org");
    s.release("org");
    expect(await Promise.all([old, third, fourth])).toEqual([200, 200, 200]);
    expect(s.gate.stats()).toEqual({ running: 0, queued: 0, keys: 0 });
  });

  it("with stepAsideMs, an org alone on the server runs up to maxRunningPerKey at once: nobody else is waiting", async () => {
    const s = await gatedServer(10, 100, false, 3, 60_000);
    closeServer = s.close;
    const alone = Array.from({ length: 4 }, (_, i) => s.send("alone", `a${i}`));
    await until(() => s.started.length === 3 && s.gate.stats().queued === 1);
    for (let i = 0; i < 4; i++) {
      await until(() => s.started.length > i);
      s.release("alone");
    }
    expect(await Promise.all(alone)).toEqual([200, 200, 200, 200]);
    expect(s.gate.stats()).toEqual({ running: 0, queued: 0, keys: 0 });
  });

  it("starts a waiting request whose body was already read (its request stream is done, its client still waits)", async () => {
    const s = await gatedServer(1);
    closeServer = s.close;
    const first = s.send("a", "first");
    await until(() => s.started.length === 1);
    const posted = s.send("b", "posted", JSON.stringify({ some: "body" }));
    await until(() => s.gate.stats().queued === 1);
    s.release("a");
    await until(() => s.started.length === 2);
    s.release("b");
    expect(await first).toBe(200);
    expect(await posted).toBe(200);
  });

  it("refuses an org's request beyond its queue with 429 rate_limited, and only that org's", async () => {
    const s = await gatedServer(1, 2);
    closeServer = s.close;
    const first = s.send("large", "a");
    await until(() => s.started.length === 1);
    const queued = [s.send("large", "b"), s.send("large", "c")];
    await until(() => s.gate.stats().queued === 2);
    expect(await s.send("large", "d")).toBe(429);
    const other = s.send("small", "x");
    await until(() => s.gate.stats().queued === 3);
    // a (large) ends: small has nothing running and waited since before large's last start, so x goes first.
    s.release("large");
    await until(() => s.started.length === 2);
    expect(s.started).toEqual(["large:a", "small:x"]);
    for (const org of ["small", "large", "large"]) {
      const before = s.started.length;
      s.release(org);
      if (org !== "large" || before < 4) await until(() => s.started.length === Math.min(4, before + 1));
    }
    expect(await first).toBe(200);
    expect(await other).toBe(200);
    expect(await Promise.all(queued)).toEqual([200, 200]);
    expect(s.gate.stats()).toEqual({ running: 0, queued: 0, keys: 0 });
  });

  it("gives every slot back: many requests of many orgs leave nothing running or queued", async () => {
    const s = await gatedServer(3, 100, true);
    closeServer = s.close;
    const all = await Promise.all(Array.from({ length: 60 }, (_, i) => s.send(`org${i % 5}`, `r${i}`)));
    expect(all.every((code) => code === 200)).toBe(true);
    expect(s.started).toHaveLength(60);
    expect(s.gate.stats()).toEqual({ running: 0, queued: 0, keys: 0 });
  });

  it("starts a waiting request in its OWN async context, not in that of the request whose end freed the slot", () => {
    // The ORM's transaction context and the scoped driver's pending BEGIN live in AsyncLocalStorage: a request
    // started inside another's context ran its queries on that one's transaction, and leaked a pool connection.
    const store = new AsyncLocalStorage<string>();
    const gate = fairShare({ concurrency: 1, maxQueuedPerKey: 10, keyOf: () => "org" });
    const fake = () => {
      const res = Object.assign(new EventEmitter(), { destroyed: false, writableEnded: false }) as unknown as Response;
      const req = { destroyed: false, socket: { destroyed: false }, headers: {} } as unknown as Request;
      return { req, res };
    };
    const a = fake();
    const b = fake();
    const seen: (string | undefined)[] = [];
    store.run("A", () => gate(a.req, a.res, (() => seen.push(store.getStore())) as NextFunction));
    store.run("B", () => gate(b.req, b.res, (() => seen.push(store.getStore())) as NextFunction));
    expect(seen).toEqual(["A"]);
    store.run("whoever ended A", () => (a.res as unknown as EventEmitter).emit("close"));
    expect(seen).toEqual(["A", "B"]);
    (b.res as unknown as EventEmitter).emit("close");
    expect(gate.stats()).toEqual({ running: 0, queued: 0, keys: 0 });
  });
});
