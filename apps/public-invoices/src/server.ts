import { createLogger, createPgPool, ormOptions, tenantOrmOptions } from "@cleanops/db";
import { loadConfigOrExit, serve } from "@cleanops/http";
import { localProvider, stripeProvider } from "@cleanops/payments";
import { MikroORM } from "@mikro-orm/postgresql";
import { createApp } from "./app.ts";
import { loadConfig } from "./config.ts";

// The only file of public-invoices that listens. Invalid config: one line on stderr, exit 1. SIGINT/SIGTERM: stop
// accepting, finish in-flight requests, close the pools, exit 0.
const config = loadConfigOrExit(loadConfig);
const logger = createLogger(config.logLevel, "public-invoices");
if (config.stripeWebhookSecretGenerated) logger.warn("STRIPE_WEBHOOK_SECRET is unset: using a secret generated for this run");
// The rate limiter's pool (rate-limiter-flexible speaks pg directly) and readiness; the ORM has its own pool. Its only
// writes are the per-IP counters, one per link opened: they commit without waiting for an fsync (a crash of the
// database may forget the last moment's counts; nothing else is written through this pool).
const pool = createPgPool(config.databaseUrl, { applicationName: "public-invoices", asynchronousCommit: true });
const orm = await MikroORM.init(
  tenantOrmOptions(ormOptions(config.databaseUrl, { pool: { min: 0, max: 10 }, driverOptions: { application_name: "public-invoices" } })),
);
const provider = config.stripeSecretKey
  ? stripeProvider({ secretKey: config.stripeSecretKey })
  : localProvider({ baseUrl: config.publicBaseUrl, secret: config.stripeWebhookSecret });
logger.info({ provider: provider.name }, "payment provider");

const app = createApp({
  pool,
  orm,
  logger,
  payments: { provider, webhookSecret: config.stripeWebhookSecret, publicBaseUrl: config.publicBaseUrl },
});
await serve(app, {
  host: config.host,
  port: config.port,
  logger,
  resources: [
    { name: "database pool", events: pool, close: () => pool.end() },
    { name: "database (ORM pool)", close: () => orm.close() },
  ],
});
