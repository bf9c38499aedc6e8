import { createLogger, createPgPool } from "@cleanops/db";
import { loadConfigOrExit, serve } from "@cleanops/http";
import { createApp } from "./app.ts";
import { loadConfig } from "./config.ts";

// The only file of admin-api that listens. Invalid config: one line on stderr, exit 1. SIGINT/SIGTERM: stop
// accepting, finish in-flight requests, close the pool, exit 0.
const config = loadConfigOrExit(loadConfig);
const logger = createLogger(config.logLevel, "admin-api");
const pool = createPgPool(config.databaseUrl, { applicationName: "admin-api" });
const database = { name: "database pool", events: pool, close: () => pool.end() };

await serve(createApp({ pool, logger }), { host: config.host, port: config.port, logger, resources: [database] });
