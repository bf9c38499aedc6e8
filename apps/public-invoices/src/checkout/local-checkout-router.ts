import { notFound } from "@cleanops/http";
import {
  checkoutCompletedEvent,
  decodeLocalSession,
  deliverSignedEvent,
  LOCAL_CHECKOUT_PATH,
  testCardOutcome,
  type LocalSession,
} from "@cleanops/payments";
import express, { Router, type Request } from "express";
import { escapeHtml, formatMoney } from "../invoices/format.ts";
import { htmlDocument } from "../invoices/invoice-page.ts";

export type LocalCheckoutOptions = {
  secret: string;
  /** Where the signed event goes: this app's own public webhook, the same one real Stripe events use. */
  webhookUrl: string;
  clock: () => Date;
};

function page(session: LocalSession, action: string, message?: string): string {
  const alert = message ? `<p class="notice" role="alert" id="message">${escapeHtml(message)}</p>` : "";
  return htmlDocument(
    "Test checkout",
    `${alert}<h1>Pay ${escapeHtml(formatMoney(session.amountCents, session.currency))}</h1>
<p class="muted">${escapeHtml(session.description)}</p>
<p>Local test checkout: no real money moves. Card <code>4242 4242 4242 4242</code> succeeds, <code>4000 0000 0000 0002</code> is declined.</p>
<form method="post" action="${escapeHtml(action)}">
<p><label for="card_number">Card number</label><br><input id="card_number" name="card_number" inputmode="numeric" autocomplete="off" required></p>
<p><button type="submit" id="submit">Pay</button> <a href="${escapeHtml(session.cancelUrl)}">Cancel</a></p>
</form>`,
  );
}

/** The local provider's checkout page: takes a test card, then delivers a Stripe-signed event to the webhook. */
export function localCheckoutRouter(options: LocalCheckoutOptions): Router {
  const router = Router();
  const sessionOf = (req: Request): LocalSession => {
    const session = decodeLocalSession(String(req.params.session), options.secret);
    if (!session) throw notFound("No such checkout.");
    return session;
  };
  const path = `${LOCAL_CHECKOUT_PATH}/:session`;

  router.get(path, (req, res) => {
    res.type("html").send(page(sessionOf(req), req.originalUrl));
  });

  router.post(path, express.urlencoded({ extended: false, limit: "4kb" }), async (req, res) => {
    const session = sessionOf(req);
    const body = req.body as Record<string, unknown> | undefined;
    const card = typeof body?.card_number === "string" ? body.card_number : "";
    const outcome = testCardOutcome(card);
    if (outcome !== "succeeded") {
      const message = outcome === "declined" ? "Your card was declined." : "Use a test card number: 4242 4242 4242 4242.";
      res
        .status(402)
        .type("html")
        .send(page(session, req.originalUrl, message));
      return;
    }
    const now = options.clock();
    const status = await deliverSignedEvent(options.webhookUrl, checkoutCompletedEvent(session, now), options.secret, now);
    if (status < 200 || status >= 300) {
      res
        .status(502)
        .type("html")
        .send(page(session, req.originalUrl, "The payment could not be recorded; please try again."));
      return;
    }
    res.redirect(303, session.successUrl);
  });
  return router;
}
