import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signedIn, snapshotOrg, teamOfRoles, type SignedIn } from "../support/staff.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

let t: TestApp;
let roles: Awaited<ReturnType<typeof teamOfRoles>>;

beforeAll(async () => {
  t = await startTestApp();
  roles = await teamOfRoles(t);
});
afterAll(() => t.close());

const post = (who: SignedIn, path: string, body?: object) =>
  request(t.app)
    .post(path)
    .set(who.headers)
    .send(body ?? {});

/** A client, and an issued invoice of theirs for `cents` (a booking invoiced, without tax). */
async function issuedInvoiceFor(who: SignedIn, clientId: string, cents: number): Promise<string> {
  const booking = await post(who, "/bookings", {
    client_id: clientId,
    starts_at: "2026-11-02T09:00:00Z",
    duration_minutes: 60,
    price_cents: cents,
    currency: "EUR",
  });
  const invoice = await post(who, "/invoices", { booking_id: booking.body.id as string });
  expect((await post(who, `/invoices/${invoice.body.id as string}/issue`)).status).toBe(200);
  return invoice.body.id as string;
}

/** A lead referred by `referrer`, won: the referrer is granted a credit of 2000 EUR cents. */
async function wonReferral(who: SignedIn, referrer: string): Promise<string> {
  const lead = await post(who, "/leads", { name: "Referred friend", referred_by_client_id: referrer });
  for (const status of ["contacted", "quoted"]) await post(who, `/leads/${lead.body.id as string}/status`, { status });
  const won = await post(who, `/leads/${lead.body.id as string}/status`, { status: "won", credit_cents: 2000, currency: "EUR" });
  expect(won.status).toBe(200);
  return won.body.referral_credit.id as string;
}

describe("a referral credit, from a won lead to a paid invoice", () => {
  it("is redeemed once as a payment of method credit; a second try, another client's invoice and another org are refused", async () => {
    const { owner, finance, dispatcher } = roles;
    const referrer = (await post(owner, "/clients", { name: "Referrer", address: "1 Main St" })).body.id as string;
    const credit = await wonReferral(dispatcher, referrer);
    const invoice = await issuedInvoiceFor(owner, referrer, 5000);

    expect((await post(dispatcher, `/invoices/${invoice}/redeem-credit`, { credit_id: credit })).status).toBe(403);
    const redeemed = await post(finance, `/invoices/${invoice}/redeem-credit`, { credit_id: credit });
    expect(redeemed.status).toBe(201);
    expect(redeemed.body).toMatchObject({
      method: "credit",
      amount_cents: 2000,
      invoice: { status: "partially_paid", balance_cents: 3000 },
    });
    const row = await t.owner.query(`SELECT status, redeemed_invoice_id FROM referral_credits WHERE id = $1`, [credit]);
    expect(row.rows).toEqual([{ status: "redeemed", redeemed_invoice_id: invoice }]);

    const again = await post(finance, `/invoices/${invoice}/redeem-credit`, { credit_id: credit });
    expect([again.status, again.body.error.code]).toEqual([409, "credit_not_redeemable"]);

    const stranger = (await post(owner, "/clients", { name: "Someone else", address: "2 Main St" })).body.id as string;
    const second = await wonReferral(dispatcher, referrer);
    const strangersInvoice = await issuedInvoiceFor(owner, stranger, 5000);
    const wrongClient = await post(finance, `/invoices/${strangersInvoice}/redeem-credit`, { credit_id: second });
    expect([wrongClient.status, wrongClient.body.error.code]).toEqual([422, "credit_other_client"]);

    const other = await signedIn(t, "owner");
    const before = await snapshotOrg(t, other.org.orgId);
    const foreign = await post(other, `/invoices/${invoice}/redeem-credit`, { credit_id: second });
    expect([foreign.status, foreign.body.error.code]).toEqual([404, "not_found"]);
    expect(await snapshotOrg(t, other.org.orgId)).toEqual(before);
  });

  it("lets exactly one of several concurrent redemptions of one credit through", async () => {
    const { owner, finance } = roles;
    const referrer = (await post(owner, "/clients", { name: "Racing referrer", address: "3 Main St" })).body.id as string;
    const credit = await wonReferral(owner, referrer);
    const invoices = await Promise.all([0, 1, 2].map(() => issuedInvoiceFor(owner, referrer, 9000)));
    const results = await Promise.all(invoices.map((id) => post(finance, `/invoices/${id}/redeem-credit`, { credit_id: credit })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    const payments = await t.owner.query(
      `SELECT count(*)::int AS n FROM invoice_payments WHERE method = 'credit' AND invoice_id = ANY($1)`,
      [invoices],
    );
    expect(payments.rows[0]?.n).toBe(1);
  });
});
