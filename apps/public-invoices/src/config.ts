import { randomBytes } from "node:crypto";
import { ConfigError, parseEnv, serviceEnvSchema, type ServiceConfig } from "@cleanops/http";
import { z } from "zod";

export const PUBLIC_INVOICES_DEFAULT_PORT = 3003;

export type PublicInvoicesConfig = ServiceConfig & {
  /** Verifies every webhook event; the local provider signs with it too. */
  stripeWebhookSecret: string;
  /** True when the secret was made up at start (development, test): worth one line in the log. */
  stripeWebhookSecretGenerated: boolean;
  /** Set: Stripe Checkout. Unset: the local provider. */
  stripeSecretKey: string | null;
  /** The origin customers reach this app at (links, checkout return URLs, the local provider's webhook target). */
  publicBaseUrl: string;
};

const unsetIfEmpty = (v: unknown): unknown => (v === "" ? undefined : v);

/**
 * The only module of public-invoices that reads the environment: DATABASE_URL (required), PORT (default 3003),
 * HOST, LOG_LEVEL, NODE_ENV, STRIPE_WEBHOOK_SECRET and STRIPE_SECRET_KEY (both required in production; otherwise the secret is generated and the
 * local provider is used, so the demo works with nothing set), PUBLIC_BASE_URL (default
 * http://127.0.0.1:<PORT>). Throws a ConfigError whose message names the bad variable.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): PublicInvoicesConfig {
  const schema = serviceEnvSchema({ defaultPort: PUBLIC_INVOICES_DEFAULT_PORT }).extend({
    STRIPE_WEBHOOK_SECRET: z.preprocess(unsetIfEmpty, z.string().trim().min(16, { error: "must be at least 16 characters" }).optional()),
    STRIPE_SECRET_KEY: z.preprocess(unsetIfEmpty, z.string().trim().startsWith("sk_", { error: "must start with sk_" }).optional()),
    PUBLIC_BASE_URL: z.preprocess(unsetIfEmpty, z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional()),
  });
  const e = parseEnv(schema, env);
  if (e.NODE_ENV === "production" && e.STRIPE_WEBHOOK_SECRET === undefined) {
    throw new ConfigError("Invalid configuration: STRIPE_WEBHOOK_SECRET is required in production");
  }
  if (e.NODE_ENV === "production" && e.STRIPE_SECRET_KEY === undefined) {
    // The local provider marks invoices paid for test card numbers: never in front of real customers.
    throw new ConfigError("Invalid configuration: STRIPE_SECRET_KEY is required in production (the local provider is for development)");
  }
  const secret = e.STRIPE_WEBHOOK_SECRET ?? `whsec_dev_${randomBytes(24).toString("hex")}`;
  return {
    databaseUrl: e.DATABASE_URL,
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    nodeEnv: e.NODE_ENV,
    stripeWebhookSecret: secret,
    stripeWebhookSecretGenerated: e.STRIPE_WEBHOOK_SECRET === undefined,
    stripeSecretKey: e.STRIPE_SECRET_KEY ?? null,
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://127.0.0.1:${e.PORT}`).replace(/\/+$/, ""),
  };
}
