import { loadDbConfig, type DbConfig } from "@cleanops/db";
import { z } from "zod";

// The CLI's own settings; database settings come from @cleanops/db's config module.
const schema = z.object({
  ADMIN_API_PORT: z.coerce.number().int().min(1).max(65535).default(3001),
  WORKER_PORTAL_PORT: z.coerce.number().int().min(1).max(65535).default(3002),
  PUBLIC_INVOICES_PORT: z.coerce.number().int().min(1).max(65535).default(3003),
  ADMIN_WEB_PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  PG_BIN_DIR: z.string().min(1).optional(),
  LOG_LEVEL: z.string().optional(),
  APP_DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  JWT_SECRET: z.string().min(1).optional(),
  SMTP_URL: z.string().min(1).optional(),
});

export type CliConfig = {
  db: DbConfig;
  ports: { adminApi: number; workerPortal: number; publicInvoices: number; adminWeb: number };
  pgBinDir: string | undefined;
  /** The apps started by `stack` log warnings only, unless LOG_LEVEL asks for more. */
  appLogLevel: string;
  /** The apps' own connection (role cleanops_app); unset, `stack` gives that role a fresh password each start. */
  appDatabaseUrl: string | undefined;
  /** Passed to the apps when set; otherwise `stack` keeps a local secret in the data folder. */
  jwtSecret: string | undefined;
  /** The apps inherit SMTP_URL; `stack` only says whether mail leaves the machine. */
  mailConfigured: boolean;
};

export function loadCliConfig(env: NodeJS.ProcessEnv = process.env): CliConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new Error(`Invalid configuration: ${first?.path.join(".") ?? "?"}: ${first?.message ?? "invalid"}`);
  }
  return {
    db: loadDbConfig(env),
    ports: {
      adminApi: parsed.data.ADMIN_API_PORT,
      workerPortal: parsed.data.WORKER_PORTAL_PORT,
      publicInvoices: parsed.data.PUBLIC_INVOICES_PORT,
      adminWeb: parsed.data.ADMIN_WEB_PORT,
    },
    pgBinDir: parsed.data.PG_BIN_DIR,
    appLogLevel: parsed.data.LOG_LEVEL ?? "warn",
    appDatabaseUrl: parsed.data.APP_DATABASE_URL,
    jwtSecret: parsed.data.JWT_SECRET,
    mailConfigured: parsed.data.SMTP_URL !== undefined,
  };
}
