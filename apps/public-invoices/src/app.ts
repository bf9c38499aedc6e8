import { createServiceApp, docsRouter } from "@cleanops/http";
import { LOCAL_CHECKOUT_PATH, type PaymentProvider } from "@cleanops/payments";
import type { MikroORM } from "@mikro-orm/postgresql";
import type { Express } from "express";
import type pg from "pg";
import type { Logger } from "pino";
import { localCheckoutRouter } from "./checkout/local-checkout-router.ts";
import { publicInvoicesReadiness } from "./health/readiness.ts";
import { openApiDocument, PUBLIC_INVOICES_INFO } from "./openapi.ts";
import { invoiceRouter } from "./invoices/invoice-router.ts";
import { DEFAULT_LINK_RATE_LIMIT, linkRateLimiter, type LinkRateLimit } from "./invoices/rate-limit.ts";
import { STRIPE_WEBHOOK_PATH, stripeWebhookRouter } from "./webhooks/stripe-webhook-router.ts";

/** Anyone on the internet can reach this app; nothing it accepts needs more than a few fields. */
export const PUBLIC_INVOICES_JSON_LIMIT = "16kb";

export type PublicInvoicesDeps = {
  pool: pg.Pool;
  logger: Logger;
  /** Tenant ORM (tenantOrmOptions) as the app role; absent only in the health-contract tests. */
  orm?: MikroORM;
  payments?: {
    provider: PaymentProvider;
    webhookSecret: string;
    publicBaseUrl: string;
  };
  clock?: () => Date;
  rateLimit?: LinkRateLimit;
  /** Express "trust proxy", so the per-IP limit sees the client behind a known proxy. */
  trustProxy?: boolean | number | string;
};

/** `/i/<token>…` is logged as `/i/[redacted]…`: the token opens an invoice and must never reach a log. */
export function redactInvoicePath(path: string): string {
  return path
    .replace(/^\/i\/[^/]+/, "/i/[redacted]")
    .replace(new RegExp(`^${LOCAL_CHECKOUT_PATH}/[^/]+`), `${LOCAL_CHECKOUT_PATH}/[redacted]`);
}

/**
 * Customer-facing invoice links: unauthenticated, internet-facing. Builds the app without listening (server.ts
 * listens; tests use supertest). The webhook is mounted before the JSON parser (raw body for its signature).
 */
export function createApp(deps: PublicInvoicesDeps): Express {
  const clock = deps.clock ?? (() => new Date());
  const provider = deps.payments?.provider.name === "local" ? "local" : "stripe";
  const routers = [docsRouter({ title: PUBLIC_INVOICES_INFO.title, document: () => openApiDocument(provider) })];
  const beforeJson = [];
  if (deps.orm && deps.payments) {
    const { provider, webhookSecret, publicBaseUrl } = deps.payments;
    beforeJson.push(stripeWebhookRouter({ orm: deps.orm, webhookSecret, clock }));
    routers.push(
      invoiceRouter({
        orm: deps.orm,
        provider,
        publicBaseUrl,
        clock,
        rateLimit: linkRateLimiter(deps.pool, deps.rateLimit ?? DEFAULT_LINK_RATE_LIMIT),
      }),
    );
    if (provider.name === "local") {
      routers.push(localCheckoutRouter({ secret: webhookSecret, webhookUrl: `${publicBaseUrl}${STRIPE_WEBHOOK_PATH}`, clock }));
    }
  }
  return createServiceApp({
    logger: deps.logger,
    jsonLimit: PUBLIC_INVOICES_JSON_LIMIT,
    checkReadiness: publicInvoicesReadiness(deps.pool),
    redactPath: redactInvoicePath,
    // Nothing here may be kept by a shared cache: every page is one customer's invoice.
    cacheControl: "private, no-store",
    ...(deps.trustProxy === undefined ? {} : { trustProxy: deps.trustProxy }),
    helmet: {
      referrerPolicy: { policy: "no-referrer" },
      contentSecurityPolicy: {
        directives: {
          // Pay posts here and is redirected to Stripe Checkout: form-action also governs that redirect.
          "form-action": ["'self'", "https://checkout.stripe.com"],
        },
      },
    },
    beforeJson,
    routers,
  });
}
