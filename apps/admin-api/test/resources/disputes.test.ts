import { invoiceBalance, type AdjustmentKind } from "@cleanops/billing";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditRows, signedIn, teamOfRoles, type SignedIn } from "../support/staff.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

let t: TestApp;
let roles: Awaited<ReturnType<typeof teamOfRoles>>;
let org: string;

beforeAll(async () => {
  t = await startTestApp();
  roles = await teamOfRoles(t);
  org = roles.owner.org.orgId;
});
afterAll(() => t.close());

const idOf = (res: { body: unknown }) => (res.body as { id: string }).id;
type InvoiceBody = { status: string; amount_paid_cents: number; balance_cents: number; credited_cents: number; paid_at: string | null };
const invoiceOf = (res: { body: unknown }) => (res.body as { invoice: InvoiceBody }).invoice;

/** An issued invoice of `total` cents (no tax), its client written by the org's owner. */
async function issuedInvoice(who: SignedIn, total: number): Promise<string> {
  const c = await request(t.app).post("/clients").set(roles.owner.headers).send({ name: "Disputing client", email: "d@example.test" });
  const made = await request(t.app)
    .post("/invoices")
    .set(who.headers)
    .send({ client_id: idOf(c), currency: "EUR", items: [{ description: "Cleaning", quantity: 1, unit_price_cents: total }] });
  expect(made.status).toBe(201);
  expect(
    (
      await request(t.app)
        .post(`/invoices/${idOf(made)}/issue`)
        .set(who.headers)
    ).status,
  ).toBe(200);
  return idOf(made);
}

const pay = async (who: SignedIn, id: string, amount_cents: number) => {
  const res = await request(t.app).post(`/invoices/${id}/payments`).set(who.headers).send({ amount_cents, method: "card" });
  expect(res.status).toBe(201);
  return idOf(res);
};
const adjust = (who: SignedIn, id: string, body: object) => request(t.app).post(`/invoices/${id}/adjustments`).set(who.headers).send(body);
const openDispute = (who: SignedIn, id: string, body: object) =>
  request(t.app).post(`/invoices/${id}/disputes`).set(who.headers).send(body);
const resolve = (who: SignedIn, id: string, outcome: string) =>
  request(t.app).post(`/disputes/${id}/resolve`).set(who.headers).send({ outcome });

describe("dispute → refund → balance", () => {
  it("a refunded dispute gives the money back and credits it (balance unchanged); later ledger rows move balance and status", async () => {
    const { finance } = roles;
    const id = await issuedInvoice(finance, 10_000);
    const payment = await pay(finance, id, 10_000);

    const opened = await openDispute(finance, id, { reason: "Windows not cleaned", amount_cents: 3000, payment_id: payment });
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({
      status: "open",
      invoice_id: id,
      payment_id: payment,
      amount_cents: 3000,
      currency: "EUR",
      resolved_at: null,
    });
    const dispute = idOf(opened);
    expect((await request(t.app).get(`/disputes/${dispute}`).set(finance.headers)).body).toMatchObject({ id: dispute, status: "open" });
    expect((await request(t.app).get(`/invoices/${id}/disputes`).set(finance.headers)).body.items).toHaveLength(1);

    const resolved = await resolve(finance, dispute, "refunded");
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: "refunded", resolved_at: t.clock.now().toISOString() });
    const kinds = (resolved.body as { adjustments: { kind: string; amount_cents: number; dispute_id: string }[] }).adjustments;
    expect(kinds.map((a) => [a.kind, a.amount_cents, a.dispute_id])).toEqual([
      ["refund", 3000, dispute],
      ["credit", 3000, dispute],
    ]);
    expect(invoiceOf(resolved)).toMatchObject({ status: "paid", amount_paid_cents: 7000, credited_cents: 3000, balance_cents: 0 });

    const again = await resolve(finance, dispute, "won");
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("dispute_not_open");

    // A refund alone: money goes back, the client owes it again.
    const refund = await adjust(finance, id, { kind: "refund", amount_cents: 1000, note: "goodwill, re-billed" });
    expect(refund.status).toBe(201);
    expect(refund.body).toMatchObject({ kind: "refund", amount_cents: 1000, actor_user_id: finance.user.id, dispute_id: null });
    expect(invoiceOf(refund)).toMatchObject({ status: "partially_paid", amount_paid_cents: 6000, balance_cents: 1000, paid_at: null });
    // A credit settles it again.
    const credit = await adjust(finance, id, { kind: "credit", amount_cents: 1000 });
    expect(invoiceOf(credit)).toMatchObject({ status: "paid", balance_cents: 0, credited_cents: 4000 });

    const tooMuchBack = await adjust(finance, id, { kind: "chargeback", amount_cents: 6001 });
    expect(tooMuchBack.status).toBe(409);
    expect(tooMuchBack.body.error).toMatchObject({ code: "adjustment_exceeds_limit", details: { limit_cents: 6000 } });
    const tooMuchOff = await adjust(finance, id, { kind: "write_off", amount_cents: 1 });
    expect(tooMuchOff.status).toBe(409);

    const ledger = await request(t.app).get(`/invoices/${id}/adjustments`).set(finance.headers);
    expect(ledger.status).toBe(200);
    expect((ledger.body as { items: { kind: string }[] }).items.map((a) => a.kind).sort()).toEqual([
      "credit",
      "credit",
      "refund",
      "refund",
    ]);
    const actions = (await auditRows(t, org)).map((r) => r.action);
    expect(actions).toContain("dispute.refunded");
    expect(actions.filter((a) => a === "financial_adjustment.created")).toHaveLength(4);
  });

  it("lost: on a payment the bank takes it back for good (chargeback + write-off); on the invoice alone, a credit; won moves nothing", async () => {
    const { owner, admin } = roles;
    const id = await issuedInvoice(owner, 5000);
    const payment = await pay(owner, id, 2000);
    const onPayment = idOf(await openDispute(owner, id, { reason: "Card disputed", amount_cents: 2000, payment_id: payment }));
    const lost = await resolve(admin, onPayment, "lost");
    expect(lost.status).toBe(200);
    expect((lost.body as { adjustments: { kind: string }[] }).adjustments.map((a) => a.kind)).toEqual(["chargeback", "write_off"]);
    expect(invoiceOf(lost)).toMatchObject({ status: "issued", amount_paid_cents: 0, balance_cents: 3000 });

    const onInvoice = idOf(await openDispute(owner, id, { reason: "Half the flat", amount_cents: 1000 }));
    const lost2 = await resolve(owner, onInvoice, "lost");
    expect((lost2.body as { adjustments: { kind: string }[] }).adjustments.map((a) => a.kind)).toEqual(["credit"]);
    expect(invoiceOf(lost2)).toMatchObject({ balance_cents: 2000 });

    const won = idOf(await openDispute(owner, id, { reason: "Nothing wrong", amount_cents: 500 }));
    const res = await resolve(owner, won, "won");
    expect(res.body).toMatchObject({ status: "won", adjustments: [] });
    expect(invoiceOf(res)).toMatchObject({ balance_cents: 2000 });
    // "refunded" with nothing held cannot send money back.
    const nothingHeld = idOf(await openDispute(owner, id, { reason: "x", amount_cents: 100 }));
    expect((await resolve(owner, nothingHeld, "refunded")).status).toBe(409);
  });

  it("refuses bad bodies (400 naming the field), a dispute above the payment, and a dispute on a draft", async () => {
    const { finance } = roles;
    const id = await issuedInvoice(finance, 1000);
    const payment = await pay(finance, id, 400);
    const bad: [string, object, string][] = [
      [`/invoices/${id}/disputes`, { reason: "", amount_cents: 1 }, "reason"],
      [`/invoices/${id}/disputes`, { reason: "x", amount_cents: 0 }, "amount_cents"],
      [`/invoices/${id}/adjustments`, { kind: "gift", amount_cents: 1 }, "kind"],
      [`/invoices/${id}/adjustments`, { kind: "credit", amount_cents: 1, extra: true }, ""],
    ];
    for (const [path, body, field] of bad) {
      const res = await request(t.app).post(path).set(finance.headers).send(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.message).toContain(field);
    }
    const dispute = idOf(await openDispute(finance, id, { reason: "x", amount_cents: 100 }));
    expect((await resolve(finance, dispute, "maybe")).status).toBe(400);
    const above = await openDispute(finance, id, { reason: "x", amount_cents: 401, payment_id: payment });
    expect(above.status).toBe(409);
    expect(above.body.error.code).toBe("dispute_amount_too_large");
    const otherInvoice = await issuedInvoice(finance, 1000);
    const foreignPayment = await openDispute(finance, otherInvoice, { reason: "x", amount_cents: 1, payment_id: payment });
    expect(foreignPayment.status).toBe(404);
    const foreignDispute = await adjust(finance, otherInvoice, { kind: "credit", amount_cents: 1, dispute_id: dispute });
    expect(foreignDispute.status).toBe(404);

    const c = await request(t.app).post("/clients").set(roles.owner.headers).send({ name: "Draft client" });
    const draft = await request(t.app)
      .post("/invoices")
      .set(finance.headers)
      .send({ client_id: idOf(c), currency: "EUR", items: [{ description: "x", quantity: 1, unit_price_cents: 1 }] });
    expect((await openDispute(finance, idOf(draft), { reason: "x", amount_cents: 1 })).status).toBe(409);
    expect((await adjust(finance, idOf(draft), { kind: "credit", amount_cents: 1 })).status).toBe(409);
  });

  it("the dispatcher reads invoices but opens, resolves and adjusts nothing", async () => {
    const { dispatcher, finance } = roles;
    const id = await issuedInvoice(finance, 1000);
    const dispute = idOf(await openDispute(finance, id, { reason: "x", amount_cents: 100 }));
    const refused = [
      await openDispute(dispatcher, id, { reason: "x", amount_cents: 1 }),
      await resolve(dispatcher, dispute, "won"),
      await adjust(dispatcher, id, { kind: "credit", amount_cents: 1 }),
      await request(t.app).get(`/invoices/${id}/adjustments`).set(dispatcher.headers),
      await request(t.app).get(`/disputes/${dispute}`).set(dispatcher.headers),
    ];
    expect(refused.map((r) => r.status)).toEqual([403, 403, 403, 403, 403]);
    expect((await request(t.app).get(`/invoices/${id}`).set(dispatcher.headers)).status).toBe(200);
  });
});

describe("the ledger rebuilds every balance", () => {
  it("the balance of every invoice, recomputed in SQL as the owner from payments and ledger rows, equals the API's", async () => {
    const who = await signedIn(t, "finance");
    const owner = await signedIn(t, "owner", who.org);
    const c = await request(t.app).post("/clients").set(owner.headers).send({ name: "Ledger client" });
    const ops: [AdjustmentKind | "payment", number][][] = [
      [["payment", 3000]],
      [
        ["payment", 5000],
        ["refund", 2000],
        ["credit", 500],
      ],
      [
        ["payment", 1000],
        ["chargeback", 1000],
        ["write_off", 4000],
      ],
      [["credit", 10_000]],
      [],
    ];
    const ids: string[] = [];
    for (const [n, list] of ops.entries()) {
      const made = await request(t.app)
        .post("/invoices")
        .set(who.headers)
        .send({
          client_id: idOf(c),
          currency: "EUR",
          items: [{ description: "Job", quantity: 2, unit_price_cents: 5000 + n, tax_rate_bps: 1950 }],
        });
      await request(t.app)
        .post(`/invoices/${idOf(made)}/issue`)
        .set(who.headers);
      for (const [kind, amount] of list) {
        const res =
          kind === "payment"
            ? await request(t.app)
                .post(`/invoices/${idOf(made)}/payments`)
                .set(who.headers)
                .send({ amount_cents: amount, method: "cash" })
            : await adjust(who, idOf(made), { kind, amount_cents: amount });
        expect(res.status, `${kind} ${amount}`).toBe(201);
      }
      ids.push(idOf(made));
    }
    const rebuilt = await t.owner.query<{ id: string; total_cents: number; paid: string; back: string; credited: string }>(
      `SELECT i.id, i.total_cents,
              coalesce((SELECT sum(p.amount_cents) FROM invoice_payments p WHERE p.invoice_id = i.id), 0) AS paid,
              coalesce((SELECT sum(a.amount_cents) FROM financial_adjustment_events a
                         WHERE a.invoice_id = i.id AND a.kind IN ('refund', 'chargeback')), 0) AS back,
              coalesce((SELECT sum(a.amount_cents) FROM financial_adjustment_events a
                         WHERE a.invoice_id = i.id AND a.kind IN ('credit', 'write_off')), 0) AS credited
         FROM invoices i WHERE i.org_id = $1 AND i.status <> 'draft' AND i.status <> 'void'`,
      [who.org.orgId],
    );
    expect(rebuilt.rows).toHaveLength(ops.length);
    for (const row of rebuilt.rows) {
      const expected = row.total_cents - Number(row.credited) - (Number(row.paid) - Number(row.back));
      const api = await request(t.app).get(`/invoices/${row.id}`).set(who.headers);
      expect(api.body.balance_cents, row.id).toBe(expected);
      expect(api.body.amount_paid_cents).toBe(Number(row.paid) - Number(row.back));
      // And the shared function agrees with both.
      expect(
        invoiceBalance({
          totalCents: row.total_cents,
          payments: [{ amountCents: Number(row.paid) }],
          adjustments: [
            { kind: "refund", amountCents: Number(row.back) },
            { kind: "credit", amountCents: Number(row.credited) },
          ],
        }).balanceCents,
      ).toBe(expected);
    }
    const list = await request(t.app).get("/invoices").set(who.headers);
    const byId = new Map((list.body as { items: { id: string; balance_cents: number }[] }).items.map((i) => [i.id, i.balance_cents]));
    for (const row of rebuilt.rows) {
      expect(byId.get(row.id)).toBe(row.total_cents - Number(row.credited) - (Number(row.paid) - Number(row.back)));
    }
    // The ledger refuses to be rewritten, even by its owner.
    await expect(
      t.owner.query(`UPDATE financial_adjustment_events SET amount_cents = 1 WHERE org_id = $1`, [who.org.orgId]),
    ).rejects.toThrow();
  });
});
