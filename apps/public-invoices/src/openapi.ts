import { buildOpenApiDocument, type RouteDocumentation } from "@cleanops/http";
import { LOCAL_CHECKOUT_PATH } from "@cleanops/payments";
import { z } from "zod";
import { STRIPE_WEBHOOK_PATH } from "./webhooks/stripe-webhook-router.ts";

export const PUBLIC_INVOICES_INFO = {
  title: "CleanOps public-invoices",
  version: "1.0.0",
  description:
    "Customer-facing invoice links, open to the internet. The link token in the path is the only credential: it opens " +
    "exactly one invoice of one organization (an unknown, expired, revoked, draft or void link answers 404 like a " +
    "missing one). No route reads an `Authorization` header. Link routes are rate-limited per IP (429 `rate_limited`).",
};

const tag = "invoice links";
const linkParams = z.object({ token: z.string().meta({ description: "The link token (43 characters of base64url)" }) });
const link = { public: "the link token in the path is the credential" } as const;

const PublicInvoiceItem = z.object({
  description: z.string(),
  quantity: z.number().int(),
  unit_price_cents: z.number().int(),
  tax_rate_bps: z.number().int(),
  net_cents: z.number().int(),
});

/** The fixed JSON of `GET /i/{token}` (api.md); the HTML page shows the same. */
export const PublicInvoice = z
  .object({
    org_name: z.string(),
    number: z.string(),
    status: z.string(),
    currency: z.string(),
    items: z.array(PublicInvoiceItem),
    subtotal_cents: z.number().int(),
    tax_cents: z.number().int(),
    total_cents: z.number().int(),
    amount_paid_cents: z.number().int(),
    balance_cents: z.number().int(),
    issued_at: z.string().nullable(),
    due_at: z.string().nullable(),
  })
  .meta({ id: "PublicInvoice" });

/**
 * Every route of the app, documented (its routers are plain Express: HTML, PDF, redirects, a raw-body webhook). The
 * local checkout exists only with the local payment provider (no STRIPE_SECRET_KEY), so the document lists it only then.
 */
export function publicInvoiceRoutes(provider: "local" | "stripe"): RouteDocumentation[] {
  const routes: RouteDocumentation[] = [
    {
      method: "get",
      path: "/i/:token",
      tag,
      summary: "The invoice behind a link: an HTML page, or its JSON with Accept: application/json",
      access: link,
      params: linkParams,
      response: PublicInvoice,
      produces: ["text/html"],
      errors: ["rate_limited"],
    },
    {
      method: "get",
      path: "/i/:token/pdf",
      tag,
      summary: "The invoice as a PDF download",
      access: link,
      params: linkParams,
      produces: ["application/pdf"],
      errors: ["rate_limited"],
    },
    {
      method: "post",
      path: "/i/:token/pay",
      tag,
      summary: "Pay the balance: 303 to the provider's checkout (or back to the invoice when nothing is owed)",
      access: link,
      params: linkParams,
      status: 303,
      errors: ["rate_limited"],
    },
    {
      method: "post",
      path: STRIPE_WEBHOOK_PATH,
      tag: "webhooks",
      summary: "Stripe events (checkout completed, refunds, disputes), verified by their Stripe-Signature over the raw body",
      access: { public: "the Stripe-Signature header is the credential" },
      requestContent: { mediaType: "application/json", schema: z.record(z.string(), z.unknown()) },
      response: z.object({ received: z.literal(true), duplicate: z.boolean() }),
    },
  ];
  if (provider === "local") {
    const params = z.object({ session: z.string().meta({ description: "The signed local checkout session" }) });
    const access = { public: "the signed session in the path is the credential" } as const;
    routes.push(
      {
        method: "get",
        path: `${LOCAL_CHECKOUT_PATH}/:session`,
        tag: "local checkout",
        summary: "The local provider's test checkout page (development only)",
        access,
        params,
        produces: ["text/html"],
      },
      {
        method: "post",
        path: `${LOCAL_CHECKOUT_PATH}/:session`,
        tag: "local checkout",
        summary: "Pay with a test card: delivers a signed checkout.session.completed event to the webhook, then 303 back",
        access,
        params,
        requestContent: {
          mediaType: "application/x-www-form-urlencoded",
          schema: z.object({ card_number: z.string().meta({ example: "4242 4242 4242 4242" }) }),
        },
        status: 303,
      },
    );
  }
  return routes;
}

export function openApiDocument(provider: "local" | "stripe") {
  return buildOpenApiDocument(publicInvoiceRoutes(provider), PUBLIC_INVOICES_INFO);
}
