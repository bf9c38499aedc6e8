import { createLogger, createPgPool } from "@cleanops/db";
import { loadConfigOrExit, serve } from "@cleanops/http";
import { createApp } from "./app.ts";
import { loadConfig } from "./config.ts";

// The only file of public-invoices that listens. Invalid config: one line on stderr, exit 1. SIGINT/SIGTERM: stop
// accepting, finish in-flight requests, close the pool, exit 0.
const config = loadConfigOrExit(loadConfig);
const logger = createLogger(config.logLevel, "public-invoices");
const pool = createPgPool(config.databaseUrl, { applicationName: "public-invoices" });
const database = { name: "database pool", events: pool, close: () => pool.end() };

await serve(createApp({ pool, logger }), { host: config.host, port: config.port, logger, resources: [database] });
