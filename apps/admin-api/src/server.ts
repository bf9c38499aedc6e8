import { createLogger, ormOptions, tenantOrmOptions } from "@cleanops/db";
import { loadConfigOrExit, serve } from "@cleanops/http";
import { developerMailer, smtpMailer } from "@cleanops/mail";
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

// Without SMTP_URL (the demo), mail is printed here and listed at GET /dev/mails instead of sent.
const mailer = config.mail.smtpUrl
  ? smtpMailer({ url: config.mail.smtpUrl, from: config.mail.from })
  : developerMailer({ out: process.stdout, mailPageUrl: `http://${config.host}:${config.port}/dev/mails` });
if (!config.mail.smtpUrl) logger.warn("SMTP_URL is not set: mail is printed on standard output and listed at /dev/mails, not sent");

const app = createApp({
  orm,
  logger,
  keyRing: config.keyRing,
  accessTokenTtlSeconds: config.accessTokenTtlSeconds,
  refreshTokenTtlDays: config.refreshTokenTtlDays,
  trustProxy: config.trustProxy,
  publicInvoicesUrl: config.publicInvoicesUrl,
  webAppUrl: config.webAppUrl,
  mailer,
  startMailSender: true,
});
await serve(app, { host: config.host, port: config.port, logger, resources: [database] });
