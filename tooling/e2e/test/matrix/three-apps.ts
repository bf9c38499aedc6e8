import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createPgPool, ormOptions, tenantOrmOptions } from "@cleanops/db";
import { asAppRole } from "@cleanops/db/testing";
import { localProvider } from "@cleanops/payments";
import { filesystemStorage } from "@cleanops/storage";
import { MikroORM } from "@mikro-orm/postgresql";
import type { Express } from "express";
import { pino } from "pino";
// The apps' own factories and admin-api's test support (database, key ring, signed-in staff, the other org's rows):
// the matrix builds the apps exactly as their own suites do, on one database, so an id of one org is real in all three.
import { createApp as createPublicInvoices } from "../../../../apps/public-invoices/src/app.ts";
import { createApp as createWorkerPortal } from "../../../../apps/worker-portal/src/app.ts";
import { startTestApp, type TestApp } from "../../../../apps/admin-api/test/support/test-app.ts";
import { TEST_KEY_RING } from "../../../../apps/admin-api/test/support/test-keys.ts";

export type AppName = "admin-api" | "worker-portal" | "public-invoices";

export const WEBHOOK_SECRET = "whsec_matrix_0123456789abcdef0123456789";

export type ThreeApps = {
  admin: TestApp;
  apps: Record<AppName, Express>;
  close: () => Promise<void>;
};

/**
 * admin-api (admin-api's own test app: a cloned head database, the app role, the tenant ORM), and worker-portal and
 * public-invoices built by their createApp on the same database, each with its own ORM as the app role. All three
 * share one signing key ring, as a deployment shares JWT_SECRET: only the audience tells their tokens apart, which
 * is what the cross-app checks prove holds.
 */
export async function startThreeApps(): Promise<ThreeApps> {
  const admin = await startTestApp();
  const appUrl = asAppRole(admin.db.url);
  const workerOrm = await MikroORM.init(tenantOrmOptions(ormOptions(appUrl, { pool: { min: 0, max: 4 } })));
  const invoicesOrm = await MikroORM.init(tenantOrmOptions(ormOptions(appUrl, { pool: { min: 0, max: 4 } })));
  const pool = createPgPool(appUrl, { max: 2 });
  const photoDir = await mkdtemp(path.join(tmpdir(), "matrix-photos-"));
  const silent = pino({ level: "silent" });
  const workerPortal = createWorkerPortal({
    orm: workerOrm,
    logger: silent,
    keyRing: TEST_KEY_RING,
    storage: filesystemStorage(photoDir),
    checkResponses: true,
    cookieSecure: false,
  });
  const publicInvoices = createPublicInvoices({
    pool,
    orm: invoicesOrm,
    logger: silent,
    // Every request of the matrix comes from one address: the per-IP limit would answer 429 long before the end.
    rateLimit: { points: 1_000_000, durationSeconds: 60 },
    payments: {
      provider: localProvider({ baseUrl: "http://127.0.0.1:9", secret: WEBHOOK_SECRET }),
      webhookSecret: WEBHOOK_SECRET,
      publicBaseUrl: "http://127.0.0.1:9",
    },
  });
  return {
    admin,
    apps: { "admin-api": admin.app, "worker-portal": workerPortal, "public-invoices": publicInvoices },
    close: async () => {
      await workerOrm.close(true);
      await invoicesOrm.close(true);
      await pool.end();
      await admin.close();
      await rm(photoDir, { recursive: true, force: true });
    },
  };
}
