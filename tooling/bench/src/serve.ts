import { mkdtempSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import type { KeyRing } from "@cleanops/auth";
import { createLogger, createPgPool, ormOptions, tenantOrmOptions } from "@cleanops/db";
import { localProvider } from "@cleanops/payments";
import { filesystemStorage } from "@cleanops/storage";
import { MikroORM } from "@mikro-orm/postgresql";
import express from "express";
import { createApp as createAdminApi } from "../../../apps/admin-api/src/app.ts";
import { createApp as createPublicInvoices } from "../../../apps/public-invoices/src/app.ts";
import { createApp as createWorkerPortal } from "../../../apps/worker-portal/src/app.ts";
import { serveEnv, type ServeEnv } from "./config.ts";
import { rawBaseline } from "./raw-baseline.ts";
import { stallMonitor } from "./stall-monitor.ts";

/**
 * One server of the benchmark, in its own process: `node serve.ts <kind>` with BENCH_DATABASE_URL (the app role),
 * BENCH_JWT_SECRET, BENCH_WEBHOOK_SECRET and BENCH_LOG_LEVEL in the environment. Each app is built by its own
 * `createApp` with the deps its server.ts gives it (same ORM options, pool of 10); public-invoices trusts
 * X-Forwarded-For so its per-IP link limit counts the many clients the load generator stands for. Prints
 * `listening <port>` on stdout when ready.
 */
export type ServerKind = "admin" | "worker" | "public" | "raw" | "express";

const POOL = { min: 0, max: 10 };

async function tenantOrm(url: string, name: string): Promise<MikroORM> {
  return MikroORM.init(tenantOrmOptions(ormOptions(url, { pool: POOL, driverOptions: { application_name: name } })));
}

export async function buildServer(kind: ServerKind, env: ServeEnv): Promise<{ handler: http.RequestListener; close: () => Promise<void> }> {
  const logger = createLogger(env.logLevel, `bench-${kind}`);
  const keyRing: KeyRing = { current: { kid: "bench", secret: env.jwtSecret } };
  switch (kind) {
    case "admin": {
      const orm = await tenantOrm(env.databaseUrl, "admin-api");
      return { handler: createAdminApi({ orm, logger, keyRing }), close: () => orm.close() };
    }
    case "worker": {
      const orm = await tenantOrm(env.databaseUrl, "worker-portal");
      const storage = filesystemStorage(mkdtempSync(path.join(os.tmpdir(), "bench-photos-")));
      return { handler: createWorkerPortal({ orm, logger, keyRing, storage, cookieSecure: false }), close: () => orm.close() };
    }
    case "public": {
      const orm = await tenantOrm(env.databaseUrl, "public-invoices");
      const pool = createPgPool(env.databaseUrl, { applicationName: "public-invoices", asynchronousCommit: true });
      const baseUrl = "http://127.0.0.1";
      const app = createPublicInvoices({
        pool,
        orm,
        logger,
        trustProxy: true,
        payments: {
          provider: localProvider({ baseUrl, secret: env.webhookSecret }),
          webhookSecret: env.webhookSecret,
          publicBaseUrl: baseUrl,
        },
      });
      return {
        handler: app,
        close: async () => {
          await orm.close();
          await pool.end();
        },
      };
    }
    case "raw":
      return rawBaseline(env.databaseUrl);
    case "express": {
      // The framework alone: routing and a JSON answer, no middleware, no database.
      const app = express();
      app.get("/{*rest}", (_req, res) => {
        res.json({ ok: true });
      });
      return { handler: app, close: () => Promise.resolve() };
    }
  }
}

if (import.meta.main) {
  const kind = process.argv[2] as ServerKind;
  const env = serveEnv();
  const { handler, close } = await buildServer(kind, env);
  // GET /__bench/stalls: this process's GC pauses and event-loop delay since the last call (run.ts, per measurement).
  const stalls = stallMonitor();
  const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    if (req.url === "/__bench/stalls") {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(stalls.take()));
      return;
    }
    handler(req, res);
  });
  server.listen(env.port, "127.0.0.1", () => {
    process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
  });
  // As the apps' own servers stop (packages/http server.ts): stop accepting, let the requests in flight end (idle
  // keep-alive sockets close at once), and only then close the pool: a request that starts a transaction on a pool
  // being closed holds its connection forever, and the process (and its CPU profile) would never be written.
  const stop = () => {
    const force = setTimeout(() => server.closeAllConnections(), 2_000);
    server.close(() => {
      clearTimeout(force);
      void Promise.race([close(), new Promise((resolve) => setTimeout(resolve, 5_000))]).finally(() => process.exit(0));
    });
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
