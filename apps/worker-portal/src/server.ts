import { createLogger, ormOptions, tenantOrmOptions } from "@cleanops/db";
import { loadConfigOrExit, serve } from "@cleanops/http";
import { filesystemStorage } from "@cleanops/storage";
import { MikroORM } from "@mikro-orm/postgresql";
import { createApp } from "./app.ts";
import { loadConfig } from "./config.ts";

// The only file of worker-portal that listens. Invalid config: one line on stderr, exit 1. SIGINT/SIGTERM: stop
// accepting, finish in-flight requests, close the ORM's pool, exit 0.
const config = loadConfigOrExit(loadConfig);
const logger = createLogger(config.logLevel, "worker-portal");
for (const warning of config.keyRingWarnings) logger.warn(warning);
const orm = await MikroORM.init(
  tenantOrmOptions(ormOptions(config.databaseUrl, { pool: { min: 0, max: 10 }, driverOptions: { application_name: "worker-portal" } })),
);
const database = { name: "database (ORM pool)", close: () => orm.close() };

const app = createApp({
  orm,
  logger,
  keyRing: config.keyRing,
  storage: filesystemStorage(config.photoStorageDir),
  accessTokenTtlSeconds: config.accessTokenTtlSeconds,
  cookieSecure: config.cookieSecure,
  trustProxy: config.trustProxy,
});
await serve(app, { host: config.host, port: config.port, logger, resources: [database] });
