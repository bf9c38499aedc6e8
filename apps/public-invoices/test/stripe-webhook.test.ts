import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  checkoutCompleted,
  seedInvoice,
  signedEvent,
  startTestApp,
  WEBHOOK_SECRET,
  type SeededInvoice,
  type TestApp,
} from "./support/test-app.ts";

let t: TestApp;
const tokensSeen: string[] = [];

beforeAll(async () => {
  t = await startTestApp();
});

afterAll(async () => {
  const logs = t.logText();
  for (const token of tokensSeen) expect(logs).not.toContain(token);
  expect(logs).not.toContain(WEBHOOK_SECRET);
  await t.close();
});

async function invoice(o: { currency?: string } = {}): Promise<SeededInvoice> {
  const inv = await seedInvoice(t.owner, o);
  tokensSeen.push(inv.token);
  return inv;
}

function deliver(event: Record<string, unknown>, at = t.clock.now(), secret = WEBHOOK_SECRET) {
  const { body, signature } = signedEvent(event, at, secret);
  return request(t.app).post("/webhooks/stripe").set("Content-Type", "application/json").set("Stripe-Signature", signature).send(body);
}

async function state(inv: SeededInvoice) {
  const i = await t.owner.query<{ status: string; amount_paid_cents: number; paid_at: Date | null }>(
    `SELECT status, amount_paid_cents, paid_at FROM invoices WHERE id = $1`,
    [inv.invoiceId],
  );
  const p = await t.owner.query<{ n: string }>(`SELECT count(*) AS n FROM invoice_payments WHERE invoice_id = $1`, [inv.invoiceId]);
  const e = await t.owner.query<{ stripe_event_id: string; error: string | null; processed_at: Date | null }>(
    `SELECT stripe_event_id, error, processed_at FROM stripe_events WHERE org_id = $1 ORDER BY received_at, stripe_event_id`,
    [inv.orgId],
  );
  return { ...i.rows[0], payments: Number(p.rows[0]?.n), events: e.rows };
}

const countReceipts = async (id: string) =>
  Number(
    (await t.owner.query<{ n: string }>(`SELECT count(*) AS n FROM stripe_event_receipts WHERE stripe_event_id = $1`, [id])).rows[0]?.n,
  );

describe("POST /webhooks/stripe", () => {
  it("records a paid checkout.session.completed as one payment; the invoice becomes paid", async () => {
    const inv = await invoice();
    const res = await deliver(checkoutCompleted("evt_paid_1", inv));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ received: true, duplicate: false });
    const s = await state(inv);
    expect(s).toMatchObject({ status: "paid", amount_paid_cents: 17000, payments: 1 });
    expect(s.paid_at).not.toBeNull();
    expect(s.events).toMatchObject([{ stripe_event_id: "evt_paid_1", error: null }]);
    // The effect writes by SQL; its audit rows are staged through mutate all the same, in the same transaction.
    const audit = await t.owner.query<{ action: string; entity_id: string; result: string | null }>(
      `SELECT action, entity_id, changes->>'result' AS result FROM admin_audit_logs
        WHERE org_id = $1 AND (changes->>'stripe_event_id' = $2 OR changes->'after'->>'invoice_id' = $3) ORDER BY action`,
      [inv.orgId, "evt_paid_1", inv.invoiceId],
    );
    const paymentId = (await t.owner.query<{ id: string }>(`SELECT id FROM invoice_payments WHERE invoice_id = $1`, [inv.invoiceId]))
      .rows[0]?.id;
    const eventId = (await t.owner.query<{ id: string }>(`SELECT id FROM stripe_events WHERE stripe_event_id = 'evt_paid_1'`)).rows[0]?.id;
    expect(audit.rows).toEqual([
      { action: "invoice_payment.created", entity_id: paymentId, result: null },
      { action: "stripe_event.processed", entity_id: eventId, result: "payment recorded" },
      { action: "stripe_event.received", entity_id: eventId, result: null },
    ]);
    const json = await request(t.app).get(`/i/${inv.token}`).set("Accept", "application/json");
    expect(json.body).toMatchObject({ status: "paid", amount_paid_cents: 17000, balance_cents: 0 });
  });

  it("ten concurrent deliveries of one event record one payment", async () => {
    const inv = await invoice();
    const event = checkoutCompleted("evt_concurrent", inv, { amount: 5000 });
    const results = await Promise.all(Array.from({ length: 10 }, () => deliver(event)));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(results.filter((r) => (r.body as { duplicate: boolean }).duplicate === false)).toHaveLength(1);
    expect(await state(inv)).toMatchObject({ status: "partially_paid", amount_paid_cents: 5000, payments: 1 });
    expect(await countReceipts("evt_concurrent")).toBe(1);
  });

  it("a bad signature or a stale timestamp is a 400 and records nothing", async () => {
    const inv = await invoice();
    const wrongSecret = await deliver(checkoutCompleted("evt_bad_sig", inv), t.clock.now(), "whsec_wrong_secret_000000");
    expect(wrongSecret.status).toBe(400);
    const stale = await deliver(checkoutCompleted("evt_stale", inv), new Date(t.clock.now().getTime() - 301_000));
    expect(stale.status).toBe(400);
    const { body } = signedEvent(checkoutCompleted("evt_tampered", inv), t.clock.now());
    const { signature } = signedEvent(checkoutCompleted("evt_tampered", inv, { amount: 1 }), t.clock.now());
    const tampered = await request(t.app).post("/webhooks/stripe").set("Stripe-Signature", signature).send(body);
    expect(tampered.status).toBe(400);
    const missing = await request(t.app).post("/webhooks/stripe").set("Content-Type", "application/json").send(body);
    expect(missing.status).toBe(400);
    expect(await state(inv)).toMatchObject({ status: "issued", amount_paid_cents: 0, payments: 0, events: [] });
    for (const id of ["evt_bad_sig", "evt_stale", "evt_tampered"]) expect(await countReceipts(id)).toBe(0);
  });

  it("checks the timestamp against the app's clock (300 s tolerance)", async () => {
    const inv = await invoice();
    const signedAt = t.clock.now();
    const saved = t.clock.now();
    t.clock.set(new Date(signedAt.getTime() + 299_000));
    try {
      expect((await deliver(checkoutCompleted("evt_in_time", inv, { amount: 100 }), signedAt)).status).toBe(200);
      t.clock.set(new Date(signedAt.getTime() + 301_000));
      expect((await deliver(checkoutCompleted("evt_too_late", inv, { amount: 100 }), signedAt)).status).toBe(400);
    } finally {
      t.clock.set(saved);
    }
  });

  it("checkout.session.completed and payment_intent.succeeded of one payment, in either order, record it once", async () => {
    const inv = await invoice();
    const intent = {
      id: "evt_pi_first",
      object: "event",
      type: "payment_intent.succeeded",
      created: 1_764_000_100,
      data: {
        object: {
          id: "pi_shared",
          object: "payment_intent",
          amount_received: 7000,
          currency: "eur",
          metadata: { org_id: inv.orgId, invoice_id: inv.invoiceId },
        },
      },
    };
    // Reverse order: the later event (the intent) arrives before the session that created it.
    expect((await deliver(intent)).status).toBe(200);
    expect((await deliver(checkoutCompleted("evt_cs_second", inv, { amount: 7000, paymentIntent: "pi_shared" }))).status).toBe(200);
    const s = await state(inv);
    expect(s).toMatchObject({ status: "partially_paid", amount_paid_cents: 7000, payments: 1 });
    expect(s.events.map((e) => e.error)).toEqual([null, null]);
  });

  it("events in reverse order end in the right state (refund before payment, two partial payments)", async () => {
    const inv = await invoice();
    const refund = {
      id: "evt_refund",
      object: "event",
      type: "charge.refunded",
      created: 1_764_000_300,
      data: {
        object: {
          id: "ch_1",
          object: "charge",
          amount_refunded: 2000,
          currency: "eur",
          payment_intent: "pi_a",
          metadata: { org_id: inv.orgId, invoice_id: inv.invoiceId },
        },
      },
    };
    const second = checkoutCompleted("evt_second", inv, { amount: 7000, paymentIntent: "pi_b" });
    const first = checkoutCompleted("evt_first", inv, { amount: 10000, paymentIntent: "pi_a" });
    // Arriving newest first: the refund finds no money yet and is recorded with its error, moving nothing…
    expect((await deliver(refund)).status).toBe(200);
    expect((await deliver(second)).status).toBe(200);
    expect((await deliver(first)).status).toBe(200);
    expect(await state(inv)).toMatchObject({ status: "paid", amount_paid_cents: 17000, payments: 2 });
    // …and Stripe's redelivery of it, a new delivery of the same event id, is a no-op; a later refund event for the
    // same charge (cumulative amount) applies the refund once.
    expect((await deliver(refund)).body).toMatchObject({ duplicate: true });
    const refundAgain = { ...refund, id: "evt_refund_updated", created: 1_764_000_400 };
    expect((await deliver(refundAgain)).status).toBe(200);
    expect((await deliver({ ...refund, id: "evt_refund_older" })).status).toBe(200);
    expect(await state(inv)).toMatchObject({ status: "partially_paid", amount_paid_cents: 15000, payments: 2 });
    const ledger = await t.owner.query<{ kind: string; amount_cents: number }>(
      `SELECT kind, amount_cents FROM financial_adjustment_events WHERE invoice_id = $1`,
      [inv.invoiceId],
    );
    expect(ledger.rows).toEqual([{ kind: "refund", amount_cents: 2000 }]);
    const json = await request(t.app).get(`/i/${inv.token}`).set("Accept", "application/json");
    expect(json.body).toMatchObject({ status: "partially_paid", amount_paid_cents: 15000, balance_cents: 2000 });
  });

  it("a currency mismatch, an amount above the balance, another org's invoice: recorded with the error, no money moved", async () => {
    const inv = await invoice();
    const other = await invoice();
    expect((await deliver(checkoutCompleted("evt_usd", inv, { currency: "usd" }))).status).toBe(200);
    expect((await deliver(checkoutCompleted("evt_too_much", inv, { amount: 17001 }))).status).toBe(200);
    // The metadata names inv's org but other's invoice: looked up inside inv's org only, it is unknown there.
    const crossed = checkoutCompleted("evt_crossed", { orgId: inv.orgId, invoiceId: other.invoiceId });
    expect((await deliver(crossed)).status).toBe(200);
    const s = await state(inv);
    expect(s).toMatchObject({ status: "issued", amount_paid_cents: 0, payments: 0 });
    const errors = Object.fromEntries(s.events.map((e) => [e.stripe_event_id, e.error]));
    expect(errors.evt_usd).toMatch(/^currency_mismatch/);
    expect(errors.evt_too_much).toMatch(/^amount_above_balance/);
    expect(errors.evt_crossed).toMatch(/^unknown_invoice/);
    expect(await state(other)).toMatchObject({ status: "issued", payments: 0, events: [] });
  });

  it("an event naming no known org is acknowledged once and stored nowhere else", async () => {
    const ping = { id: "evt_no_org", object: "event", type: "customer.created", created: 1, data: { object: { id: "cus_1" } } };
    expect((await deliver(ping)).body).toEqual({ received: true, duplicate: false });
    expect((await deliver(ping)).body).toEqual({ received: true, duplicate: true });
    expect(await countReceipts("evt_no_org")).toBe(1);
  });
});

describe("charge.dispute.*", () => {
  const dispute = (id: string, status: string, pi: string, amount = 6000) => ({
    id,
    object: "event",
    type: status === "needs_response" ? "charge.dispute.created" : "charge.dispute.closed",
    created: 1_764_001_000,
    data: {
      object: { id: "dp_1", object: "dispute", amount, currency: "eur", status, reason: "fraudulent", payment_intent: pi, metadata: {} },
    },
  });

  it("waits (409, unrecorded) for the payment it disputes, then opens once and a lost close appends chargeback + write-off", async () => {
    const inv = await invoice();
    const early = await deliver(dispute("evt_dp_early", "needs_response", "pi_disputed"));
    expect(early.status).toBe(409);
    expect(await countReceipts("evt_dp_early")).toBe(0);
    expect((await deliver(checkoutCompleted("evt_dp_pay", inv, { amount: 10000, paymentIntent: "pi_disputed" }))).status).toBe(200);
    // Out of order: the close arrives before the (redelivered) open.
    expect((await deliver(dispute("evt_dp_closed", "lost", "pi_disputed"))).status).toBe(200);
    expect((await deliver(dispute("evt_dp_early", "needs_response", "pi_disputed"))).status).toBe(200);
    const rows = await t.owner.query<{ status: string; amount_cents: number; provider_dispute_id: string }>(
      `SELECT status, amount_cents, provider_dispute_id FROM disputes WHERE invoice_id = $1`,
      [inv.invoiceId],
    );
    expect(rows.rows).toEqual([{ status: "lost", amount_cents: 6000, provider_dispute_id: "dp_1" }]);
    const ledger = await t.owner.query<{ kind: string; amount_cents: number }>(
      `SELECT kind, amount_cents FROM financial_adjustment_events WHERE invoice_id = $1 ORDER BY kind`,
      [inv.invoiceId],
    );
    expect(ledger.rows).toEqual([
      { kind: "chargeback", amount_cents: 6000 },
      { kind: "write_off", amount_cents: 6000 },
    ]);
    // 100.00 received − 60.00 charged back = 40.00 held; 170.00 − 60.00 written off = 110.00 owed → 70.00 left.
    const json = await request(t.app).get(`/i/${inv.token}`).set("Accept", "application/json");
    expect(json.body).toMatchObject({ status: "partially_paid", amount_paid_cents: 4000, balance_cents: 7000 });
  });
});

describe("local provider, end to end over HTTP", () => {
  it("declines 4000 0000 0000 0002, then pays with 4242 4242 4242 4242 through the signed webhook", async () => {
    const inv = await invoice();
    const pay = await fetch(`${t.baseUrl}/i/${inv.token}/pay`, { method: "POST", redirect: "manual" });
    expect(pay.status).toBe(303);
    const checkoutUrl = pay.headers.get("location") ?? "";
    const post = (card: string) =>
      fetch(checkoutUrl, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ card_number: card }).toString(),
      });
    const declined = await post("4000 0000 0000 0002");
    expect(declined.status).toBe(402);
    expect(await declined.text()).toContain("Your card was declined.");
    expect(await state(inv)).toMatchObject({ status: "issued", payments: 0 });
    const paid = await post("4242 4242 4242 4242");
    expect(paid.status).toBe(303);
    expect(paid.headers.get("location")).toBe(`${t.baseUrl}/i/${inv.token}?paid=1`);
    expect(await state(inv)).toMatchObject({ status: "paid", amount_paid_cents: 17000, payments: 1 });
    const page = await (await fetch(`${t.baseUrl}/i/${inv.token}`)).text();
    expect(page).toContain("Paid");
    expect(page).not.toContain('id="pay"');
  });
});
