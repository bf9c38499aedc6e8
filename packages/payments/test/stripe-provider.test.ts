import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  decodeLocalSession,
  localProvider,
  signWebhookPayload,
  stripeProvider,
  testCardOutcome,
  verifyWebhookEvent,
} from "../src/index.ts";

type Seen = { method: string; url: string; headers: IncomingHttpHeaders; body: URLSearchParams };

// A stand-in for api.stripe.com on 127.0.0.1: records what the SDK sends and answers like Checkout does.
let server: Server;
let port = 0;
const seen: Seen[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c.toString("utf8")));
    req.on("end", () => {
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: new URLSearchParams(raw) });
      res.writeHead(200, { "content-type": "application/json", "request-id": "req_standin" });
      res.end(JSON.stringify({ id: "cs_test_123", object: "checkout.session", url: "https://checkout.stripe.test/c/cs_test_123" }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const request = {
  amountCents: 12_345,
  currency: "EUR",
  orgId: "11111111-1111-4111-8111-111111111111",
  invoiceId: "22222222-2222-4222-8222-222222222222",
  description: "Invoice INV-000042",
  idempotencyKey: "checkout:22222222:12345",
  successUrl: "http://127.0.0.1:3003/i/tok?paid=1",
  cancelUrl: "http://127.0.0.1:3003/i/tok",
};

describe("stripe provider", () => {
  it("creates a Checkout Session for the balance with org and invoice metadata and the idempotency key", async () => {
    const provider = stripeProvider({ secretKey: "sk_test_standin", host: "127.0.0.1", port, protocol: "http" });
    const checkout = await provider.createCheckout(request);
    expect(checkout).toEqual({ id: "cs_test_123", redirectUrl: "https://checkout.stripe.test/c/cs_test_123" });
    expect(seen).toHaveLength(1);
    const sent = seen[0];
    if (sent === undefined) throw new Error("no request");
    expect(sent.method).toBe("POST");
    expect(sent.url).toBe("/v1/checkout/sessions");
    expect(sent.headers["idempotency-key"]).toBe("checkout:22222222:12345");
    expect(sent.headers.authorization).toBe("Bearer sk_test_standin");
    expect(sent.body.get("mode")).toBe("payment");
    expect(sent.body.get("line_items[0][price_data][unit_amount]")).toBe("12345");
    expect(sent.body.get("line_items[0][price_data][currency]")).toBe("eur");
    expect(sent.body.get("line_items[0][quantity]")).toBe("1");
    expect(sent.body.get("metadata[org_id]")).toBe(request.orgId);
    expect(sent.body.get("metadata[invoice_id]")).toBe(request.invoiceId);
    expect(sent.body.get("payment_intent_data[metadata][org_id]")).toBe(request.orgId);
    expect(sent.body.get("payment_intent_data[metadata][invoice_id]")).toBe(request.invoiceId);
    expect(sent.body.get("success_url")).toBe(request.successUrl);
    expect(sent.body.get("cancel_url")).toBe(request.cancelUrl);
  });
});

describe("local provider", () => {
  it("puts a signed session in its URL that only the same secret reads back, unaltered", async () => {
    const provider = localProvider({ baseUrl: "http://127.0.0.1:3003", secret: "whsec_local" });
    const checkout = await provider.createCheckout(request);
    const token = checkout.redirectUrl.split("/").at(-1) ?? "";
    expect(checkout.redirectUrl.startsWith("http://127.0.0.1:3003/checkout/local/")).toBe(true);
    expect(decodeLocalSession(token, "whsec_local")).toMatchObject({ amountCents: 12_345, currency: "EUR", orgId: request.orgId });
    expect(decodeLocalSession(token, "whsec_other")).toBeNull();
    expect(decodeLocalSession(`x${token}`, "whsec_local")).toBeNull();
    // The same idempotency key opens the same checkout.
    expect((await provider.createCheckout(request)).id).toBe(checkout.id);
  });

  it("knows Stripe's test cards", () => {
    expect(testCardOutcome("4242 4242 4242 4242")).toBe("succeeded");
    expect(testCardOutcome("4000 0000 0000 0002")).toBe("declined");
    expect(testCardOutcome("1234")).toBe("invalid");
  });

  it("signs as Stripe does: the SDK verifies it, within 300 s only", () => {
    const payload = JSON.stringify({ id: "evt_1", object: "event", type: "ping", data: { object: {} } });
    const now = new Date("2026-12-03T10:00:00Z");
    const header = signWebhookPayload(payload, "whsec_x", now.getTime() / 1000);
    expect(verifyWebhookEvent(payload, header, "whsec_x", now).id).toBe("evt_1");
    expect(() => verifyWebhookEvent(payload, header, "whsec_y", now)).toThrow();
    expect(() => verifyWebhookEvent(payload, header, "whsec_x", new Date(now.getTime() + 301_000))).toThrow(/tolerance/);
  });
});
