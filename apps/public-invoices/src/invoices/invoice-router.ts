import { notFound } from "@cleanops/http";
import type { PaymentProvider } from "@cleanops/payments";
import type { MikroORM } from "@mikro-orm/postgresql";
import { Router, type Request, type RequestHandler, type Response } from "express";
import { invoicePage, NOT_FOUND_PAGE } from "./invoice-page.ts";
import { invoicePdf } from "./invoice-pdf.ts";
import { openPublicInvoice, type OpenedInvoice } from "./public-invoice.ts";

export type InvoiceRouterOptions = {
  orm: MikroORM;
  provider: PaymentProvider;
  publicBaseUrl: string;
  clock: () => Date;
  rateLimit: RequestHandler;
};

const wantsJson = (req: Request): boolean => req.accepts(["html", "json"]) === "json";

/** One answer for unknown, expired and revoked links (and drafts/void): the same page, or the same JSON error. */
function linkNotFound(req: Request, res: Response): void {
  if (wantsJson(req)) throw notFound("No such invoice.");
  res.status(404).type("html").send(NOT_FOUND_PAGE);
}

const token = (req: Request): string => String(req.params.token);

/** `GET /i/{token}` (HTML or JSON), its PDF, and Pay. Tokens only ever travel in these paths, which logs redact. */
export function invoiceRouter(options: InvoiceRouterOptions): Router {
  const router = Router();
  const open = (req: Request, countView: boolean): Promise<OpenedInvoice | null> =>
    openPublicInvoice(options.orm, token(req), options.clock(), countView);

  router.get("/i/:token", options.rateLimit, async (req, res) => {
    const opened = await open(req, true);
    if (!opened) return linkNotFound(req, res);
    if (wantsJson(req)) {
      res.json(opened.view);
      return;
    }
    // Back from checkout: the webhook may not have arrived yet (Stripe delivers it on its own schedule).
    const paidNotice =
      opened.view.balance_cents <= 0 ? "Thank you! Your payment was received." : "Thank you! Your payment is being processed.";
    const notice = req.query.paid === "1" ? paidNotice : undefined;
    res.type("html").send(invoicePage(opened.view, { basePath: `/i/${token(req)}`, ...(notice ? { notice } : {}) }));
  });

  router.get("/i/:token/pdf", options.rateLimit, async (req, res) => {
    const opened = await open(req, false);
    if (!opened) return linkNotFound(req, res);
    const pdf = await invoicePdf(opened.view);
    res
      .type("application/pdf")
      .setHeader("Content-Disposition", `attachment; filename="invoice-${opened.view.number.replace(/[^A-Za-z0-9_-]/g, "_")}.pdf"`)
      .send(pdf);
  });

  router.post("/i/:token/pay", options.rateLimit, async (req, res) => {
    const opened = await open(req, false);
    if (!opened) return linkNotFound(req, res);
    const link = `${options.publicBaseUrl}/i/${token(req)}`;
    const { view } = opened;
    if (view.balance_cents <= 0) {
      res.redirect(303, link);
      return;
    }
    const checkout = await options.provider.createCheckout({
      amountCents: view.balance_cents,
      currency: view.currency,
      orgId: opened.orgId,
      invoiceId: opened.invoiceId,
      description: `Invoice ${view.number} from ${view.org_name}`,
      // The same balance asks for the same checkout (a double click opens one payment); a new balance, a new one.
      idempotencyKey: `invoice-checkout:${opened.invoiceId}:${view.balance_cents}:${view.amount_paid_cents}`,
      successUrl: `${link}?paid=1`,
      cancelUrl: link,
    });
    res.redirect(303, checkout.redirectUrl);
  });

  return router;
}
