import { createLogger, ormOptions, tenantOrmOptions } from "@cleanops/db";
import { loadConfigOrExit, serve } from "@cleanops/http";
import { MikroORM } from "@mikro-orm/postgresql";
import { createApp } from "./app.ts";
import { loadConfig } from "./config.ts";

// The only file of admin-api that listens. Invalid config (a missing or weak JWT_SECRET in production included): one
// line on stderr, exit 1. SIGINT/SIGTERM: stop accepting, finish in-flight requests, close the ORM's pool, exit 0.
const config = loadConfigOrExit(loadConfig);
const logger = createLogger(config.logLevel, "admin-api");
for (const warning of config.keyRingWarnings) logger.warn(warning);
const orm = await MikroORM.init(
  tenantOrmOptions(ormOptions(config.databaseUrl, { pool: { min: 0, max: 10 }, driverOptions: { application_name: "admin-api" } })),
);
const database = { name: "database (ORM pool)", close: () => orm.close() };

const app = createApp({
  orm,
  logger,
  keyRing: config.keyRing,
  accessTokenTtlSeconds: config.accessTokenTtlSeconds,
  refreshTokenTtlDays: config.refreshTokenTtlDays,
  trustProxy: config.trustProxy,
  publicInvoicesUrl: config.publicInvoicesUrl,
});
await serve(app, { host: config.host, port: config.port, logger, resources: [database] });
