import { resolvePublicInvoiceToken } from "@cleanops/db";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { declaredRoutes } from "../../src/kernel/mount.ts";
import { RESOURCES } from "../../src/resources/index.ts";
import { CROSS_ORG_CASES, seedOtherOrg } from "../cross-org.test-cases.ts";
import { auditRows, signedIn, snapshotOrg, teamOfRoles, type SignedIn } from "../support/staff.ts";
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

const DAY_MS = 86_400_000;
const idOf = (res: { body: unknown }) => (res.body as { id: string }).id;
const listOf = <T>(res: { body: unknown }) => (res.body as { items: T[] }).items;

/** A client in `who`'s org, written by an owner of that org (finance may not create clients). */
async function client(who: SignedIn, body: object = { name: "Client", email: "client@example.test", address: "1 Main St" }) {
  const owner = who.membership.role === "owner" ? who : await signedIn(t, "owner", who.org);
  const res = await request(t.app).post("/clients").set(owner.headers).send(body);
  expect(res.status).toBe(201);
  return res.body.id as string;
}

const item = (description: string, quantity: number, unit_price_cents: number, tax_rate_bps?: number) => ({
  description,
  quantity,
  unit_price_cents,
  ...(tax_rate_bps === undefined ? {} : { tax_rate_bps }),
});

/** An issued invoice by hand, with one line of `total` cents and no tax. */
async function issuedInvoice(who: SignedIn, total: number): Promise<string> {
  const made = await request(t.app)
    .post("/invoices")
    .set(who.headers)
    .send({ client_id: await client(who), currency: "EUR", items: [item("Cleaning", 1, total)] });
  expect(made.status).toBe(201);
  const issued = await request(t.app).post(`/invoices/${made.body.id}/issue`).set(who.headers);
  expect(issued.status).toBe(200);
  return made.body.id as string;
}

const pay = (who: SignedIn, id: string, amount_cents: number, method = "cash") =>
  request(t.app).post(`/invoices/${id}/payments`).set(who.headers).send({ amount_cents, method });

describe("booking → invoice → issue → partial then full payment → paid", () => {
  it("prices the invoice from the booking and its add-ons, numbers it, dates it from the org's terms and meters it", async () => {
    const { owner, finance, dispatcher } = roles;
    await t.owner.query(`UPDATE organizations SET payment_terms_days = 30 WHERE org_id = $1`, [org]);
    const c = await client(owner, { name: "Flow client", email: "flow@example.test", address: "5 Oak Rd" });
    const addon = await t.owner.query<{ id: string }>(
      `INSERT INTO addon_definitions (org_id, name, price_cents, currency, duration_minutes) VALUES ($1, 'Windows', 1250, 'EUR', 15) RETURNING id`,
      [org],
    );
    const booking = await request(t.app)
      .post("/bookings")
      .set(dispatcher.headers)
      .send({
        client_id: c,
        starts_at: "2026-03-02T09:00:00Z",
        duration_minutes: 120,
        price_cents: 9000,
        currency: "EUR",
        addons: [{ addon_id: addon.rows[0]?.id, quantity: 3 }],
      });
    expect(booking.status).toBe(201);

    const draft = await request(t.app).post("/invoices").set(finance.headers).send({ booking_id: booking.body.id, tax_rate_bps: 2000 });
    expect(draft.status).toBe(201);
    expect(draft.body).toMatchObject({
      status: "draft",
      number: null,
      client_id: c,
      booking_id: booking.body.id,
      currency: "EUR",
      subtotal_cents: 9000 + 3 * 1250,
      tax_cents: 1800 + 750,
      total_cents: 12_750 + 2550,
      balance_cents: 0,
      issued_at: null,
    });
    expect(listOf<{ description: string; quantity: number }>(draft).map((i) => [i.description, i.quantity])).toEqual([
      ["Cleaning on 2026-03-02 (165 min)", 1],
      ["Windows", 3],
    ]);
    // One open invoice per booking.
    const again = await request(t.app).post("/invoices").set(finance.headers).send({ booking_id: booking.body.id });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("booking_not_invoiceable");

    const issued = await request(t.app).post(`/invoices/${draft.body.id}/issue`).set(finance.headers);
    expect(issued.status).toBe(200);
    const issuedAt = t.clock.now();
    expect(issued.body).toMatchObject({
      status: "issued",
      number: "INV-000001",
      total_cents: 15_300,
      amount_paid_cents: 0,
      balance_cents: 15_300,
      issued_at: issuedAt.toISOString(),
      due_at: new Date(issuedAt.getTime() + 30 * DAY_MS).toISOString(),
      paid_at: null,
    });
    const usage = await t.owner.query(
      `SELECT kind, quantity FROM organization_usage_events WHERE org_id = $1 AND kind = 'invoice_issued'`,
      [org],
    );
    expect(usage.rows).toEqual([{ kind: "invoice_issued", quantity: 1 }]);

    const partial = await pay(finance, idOf(draft), 5300, "bank_transfer");
    expect(partial.status).toBe(201);
    expect(partial.body).toMatchObject({ amount_cents: 5300, method: "bank_transfer", currency: "EUR" });
    expect(partial.body.invoice).toMatchObject({ status: "partially_paid", amount_paid_cents: 5300, balance_cents: 10_000, paid_at: null });

    const over = await pay(finance, idOf(draft), 10_001);
    expect(over.status).toBe(409);
    expect(over.body.error).toMatchObject({ code: "payment_exceeds_balance", details: { balance_cents: 10_000 } });

    t.clock.advance(60);
    const full = await pay(roles.admin, idOf(draft), 10_000);
    expect(full.status).toBe(201);
    expect(full.body.invoice).toMatchObject({
      status: "paid",
      amount_paid_cents: 15_300,
      balance_cents: 0,
      paid_at: t.clock.now().toISOString(),
    });

    const nothingLeft = await pay(finance, idOf(draft), 1);
    expect(nothingLeft.status).toBe(409);

    const payments = await request(t.app).get(`/invoices/${draft.body.id}/payments`).set(finance.headers);
    expect(listOf<{ amount_cents: number }>(payments).map((p) => p.amount_cents)).toEqual([5300, 10_000]);
    const got = await request(t.app).get(`/invoices/${draft.body.id}`).set(dispatcher.headers);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ status: "paid", balance_cents: 0, amount_paid_cents: 15_300 });
    const row = await t.owner.query(`SELECT status, amount_paid_cents, total_cents FROM invoices WHERE id = $1`, [draft.body.id]);
    expect(row.rows[0]).toEqual({ status: "paid", amount_paid_cents: 15_300, total_cents: 15_300 });

    const actions = (await auditRows(t, org)).filter((r) => r.entity_id === draft.body.id).map((r) => r.action);
    expect(actions).toEqual(["invoice.created", "invoice.issued", "invoice.payment_recorded", "invoice.payment_recorded"]);
  });
});

describe("drafts by hand", () => {
  it("computes tax per line rounded half-even, and replaces items only while draft", async () => {
    const { finance } = roles;
    const c = await client(finance);
    const made = await request(t.app)
      .post("/invoices")
      .set(finance.headers)
      .send({
        client_id: c,
        currency: "EUR",
        items: [item("Half cent down", 1, 5, 1000), item("Half cent up", 3, 5, 1000), item("Plain", 2, 100)],
      });
    expect(made.status).toBe(201);
    expect(listOf<{ tax_cents: number }>(made).map((i) => i.tax_cents)).toEqual([0, 2, 0]);
    expect(made.body).toMatchObject({ subtotal_cents: 220, tax_cents: 2, total_cents: 222 });

    const replaced = await request(t.app)
      .put(`/invoices/${made.body.id}/items`)
      .set(finance.headers)
      .send({ items: [item("Deep clean", 2, 4000, 2000)] });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ subtotal_cents: 8000, tax_cents: 1600, total_cents: 9600 });
    expect(replaced.body.items).toHaveLength(1);
    const stored = await t.owner.query(`SELECT count(*)::int AS n FROM invoice_items WHERE invoice_id = $1`, [made.body.id]);
    expect(stored.rows[0]).toEqual({ n: 1 });

    expect((await request(t.app).post(`/invoices/${made.body.id}/issue`).set(finance.headers)).status).toBe(200);
    const late = await request(t.app)
      .put(`/invoices/${made.body.id}/items`)
      .set(finance.headers)
      .send({ items: [item("Sneaky", 1, 1)] });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe("invoice_not_draft");
    const twice = await request(t.app).post(`/invoices/${made.body.id}/issue`).set(finance.headers);
    expect(twice.status).toBe(409);
  });

  it("refuses bad bodies with 400 naming the fields", async () => {
    const { finance } = roles;
    const cases: [object, string[]][] = [
      [{}, ["client_id", "currency", "items"]],
      [{ booking_id: "00000000-0000-4000-8000-000000000000", items: [] }, ["items"]],
      [{ client_id: "nope", currency: "eur", items: [item("x", 0, -1)] }, ["client_id", "currency", "items"]],
      [{ client_id: "00000000-0000-4000-8000-000000000000", currency: "EUR", items: [item("x", 1, 1)], total_cents: 1 }, []],
    ];
    for (const [body, fields] of cases) {
      const res = await request(t.app).post("/invoices").set(finance.headers).send(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe("validation_failed");
      const paths = (res.body.error.details.issues as { path: (string | number)[] }[]).map((i) => String(i.path[0] ?? ""));
      for (const f of fields) expect(paths).toContain(f);
    }
    const badPay = await request(t.app)
      .post(`/invoices/${await issuedInvoice(finance, 100)}/payments`)
      .set(finance.headers)
      .send({ amount_cents: 0, method: "gold" });
    expect(badPay.status).toBe(400);
    expect(badPay.body.error.message).toMatch(/amount_cents.*method/);
  });
});

describe("void", () => {
  it("voids a draft or an unpaid invoice, never one that received money; a void invoice takes nothing", async () => {
    const { finance, owner } = roles;
    const unpaid = await issuedInvoice(finance, 5000);
    const voided = await request(t.app).post(`/invoices/${unpaid}/void`).set(owner.headers);
    expect(voided.status).toBe(200);
    expect(voided.body).toMatchObject({ status: "void", balance_cents: 0 });
    const payVoid = await pay(finance, unpaid, 100);
    expect(payVoid.status).toBe(409);
    expect(payVoid.body.error.code).toBe("invoice_not_issued");
    const linkVoid = await request(t.app).post(`/invoices/${unpaid}/public-links`).set(finance.headers).send({});
    expect(linkVoid.status).toBe(409);

    const paid = await issuedInvoice(finance, 5000);
    expect((await pay(finance, paid, 100)).status).toBe(201);
    const refused = await request(t.app).post(`/invoices/${paid}/void`).set(finance.headers);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("invoice_has_payments");
  });
});

describe("concurrency", () => {
  it("concurrent payments never overpay: each is judged against the balance the previous one left", async () => {
    const { finance } = roles;
    const id = await issuedInvoice(finance, 10_000);
    const results = await Promise.all(Array.from({ length: 6 }, () => pay(finance, id, 4000)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 201, 409, 409, 409, 409]);
    const sums = await t.owner.query<{ paid: number }>(
      `SELECT coalesce(sum(amount_cents), 0)::int AS paid FROM invoice_payments WHERE invoice_id = $1`,
      [id],
    );
    expect(sums.rows[0]?.paid).toBe(8000);
    const got = await request(t.app).get(`/invoices/${id}`).set(finance.headers);
    expect(got.body).toMatchObject({ status: "partially_paid", amount_paid_cents: 8000, balance_cents: 2000 });
  });

  it("numbers are gapless per org, each org on its own sequence, under concurrent issuing", async () => {
    const a = await signedIn(t, "finance");
    const b = await signedIn(t, "finance");
    const drafts = async (who: SignedIn, n: number) => {
      const c = await client(who);
      const ids: string[] = [];
      for (let i = 0; i < n; i++) {
        const res = await request(t.app)
          .post("/invoices")
          .set(who.headers)
          .send({ client_id: c, currency: "EUR", items: [item("Job", 1, 100 + i)] });
        ids.push(res.body.id as string);
      }
      return ids;
    };
    const [da, db] = [await drafts(a, 5), await drafts(b, 4)];
    const issued = await Promise.all([
      ...da.map((id) => request(t.app).post(`/invoices/${id}/issue`).set(a.headers)),
      ...db.map((id) => request(t.app).post(`/invoices/${id}/issue`).set(b.headers)),
    ]);
    expect(issued.every((r) => r.status === 200)).toBe(true);
    const numbers = (rs: typeof issued) => rs.map((r) => r.body.number as string).sort();
    expect(numbers(issued.slice(0, 5))).toEqual(["INV-000001", "INV-000002", "INV-000003", "INV-000004", "INV-000005"]);
    expect(numbers(issued.slice(5))).toEqual(["INV-000001", "INV-000002", "INV-000003", "INV-000004"]);
    // A voided draft never takes a number: the next one issued follows on.
    const [spare] = await drafts(a, 1);
    await request(t.app).post(`/invoices/${spare}/void`).set(a.headers);
    const [next] = await drafts(a, 1);
    expect((await request(t.app).post(`/invoices/${next}/issue`).set(a.headers)).body.number).toBe("INV-000006");
  });
});

describe("lists", () => {
  it("filters by status, client and issue time, newest first, each with its balance; pages with a cursor", async () => {
    const who = await signedIn(t, "finance");
    const c1 = await client(who);
    const first = await issuedInvoice(who, 1000);
    t.clock.advance(60);
    const second = await issuedInvoice(who, 2000);
    await pay(who, second, 500);
    // The test clock ticks in whole seconds: a tick apart, so "newest first" is decided by time, not by id.
    t.clock.advance(1);
    const draft = await request(t.app)
      .post("/invoices")
      .set(who.headers)
      .send({ client_id: c1, currency: "EUR", items: [item("Draft", 1, 1)] });

    const all = await request(t.app).get("/invoices").set(who.headers);
    expect(all.status).toBe(200);
    expect(listOf<{ id: string }>(all).map((i) => i.id)).toEqual([idOf(draft), second, first]);
    expect(all.body.items[1]).toMatchObject({ balance_cents: 1500, amount_paid_cents: 500, status: "partially_paid" });

    const partly = await request(t.app).get("/invoices?status=partially_paid").set(who.headers);
    expect(listOf<{ id: string }>(partly).map((i) => i.id)).toEqual([second]);
    const byClient = await request(t.app).get(`/invoices?client_id=${c1}`).set(who.headers);
    expect(listOf<{ id: string }>(byClient).map((i) => i.id)).toEqual([draft.body.id]);
    const since = encodeURIComponent(new Date(t.clock.now().getTime() - 30_000).toISOString());
    const recent = await request(t.app).get(`/invoices?from=${since}`).set(who.headers);
    expect(listOf<{ id: string }>(recent).map((i) => i.id)).toEqual([second]);

    const page1 = await request(t.app).get("/invoices?limit=2").set(who.headers);
    expect(page1.body.items).toHaveLength(2);
    const page2 = await request(t.app).get(`/invoices?limit=2&cursor=${page1.body.next_cursor}`).set(who.headers);
    expect(page2.body).toMatchObject({ items: [{ id: first }], next_cursor: null });
  });
});

describe("public links and send", () => {
  it("creates a link once (token ≥ 128 bits, only its hash stored), lists without tokens, revokes at once", async () => {
    const { finance } = roles;
    const id = await issuedInvoice(finance, 3000);
    const made = await request(t.app).post(`/invoices/${id}/public-links`).set(finance.headers).send({ expires_in_days: 7 });
    expect(made.status).toBe(201);
    const token = made.body.token as string;
    expect(Buffer.from(token, "base64url").length).toBeGreaterThanOrEqual(16);
    expect(made.body.url).toBe(`http://127.0.0.1:3003/i/${token}`);
    expect(made.body.expires_at).toBe(new Date(t.clock.now().getTime() + 7 * DAY_MS).toISOString());
    const stored = await t.owner.query<{ token_hash: string }>(`SELECT token_hash FROM invoice_public_tokens WHERE id = $1`, [
      made.body.id,
    ]);
    expect(stored.rows[0]?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.rows[0]?.token_hash).not.toContain(token);
    const audit = await auditRows(t, org);
    expect(JSON.stringify(audit)).not.toContain(token);

    const em = t.orm.em.fork();
    expect(await resolvePublicInvoiceToken(em, token)).toEqual({ orgId: org, invoiceId: id });

    const listed = await request(t.app).get(`/invoices/${id}/public-links`).set(finance.headers);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toHaveLength(1);
    expect(listed.body.items[0]).toMatchObject({ id: made.body.id, active: true, view_count: 0 });
    expect(JSON.stringify(listed.body)).not.toContain(token);

    const revoked = await request(t.app).delete(`/invoices/${id}/public-links/${made.body.id}`).set(finance.headers);
    expect(revoked.status).toBe(204);
    expect(await resolvePublicInvoiceToken(t.orm.em.fork(), token)).toBeNull();
    const after = await request(t.app).get(`/invoices/${id}/public-links`).set(finance.headers);
    expect(after.body.items[0]).toMatchObject({ active: false, revoked_at: t.clock.now().toISOString() });
    // Another invoice's link id is not found through this invoice.
    const other = await issuedInvoice(finance, 100);
    const wrong = await request(t.app).delete(`/invoices/${other}/public-links/${made.body.id}`).set(finance.headers);
    expect(wrong.status).toBe(404);

    const draft = await request(t.app)
      .post("/invoices")
      .set(finance.headers)
      .send({ client_id: await client(finance), currency: "EUR", items: [item("x", 1, 1)] });
    const noLink = await request(t.app).post(`/invoices/${draft.body.id}/public-links`).set(finance.headers).send({});
    expect(noLink.status).toBe(409);
    expect(noLink.body.error.code).toBe("invoice_not_issued");
    const badDays = await request(t.app).post(`/invoices/${id}/public-links`).set(finance.headers).send({ expires_in_days: 0 });
    expect(badDays.status).toBe(400);
    expect(badDays.body.error.message).toContain("expires_in_days");
  });

  it("send queues an email_events row with a fresh link, to the client's email or the one given; none → 422", async () => {
    const { finance } = roles;
    const id = await issuedInvoice(finance, 4200);
    const sent = await request(t.app).post(`/invoices/${id}/send`).set(finance.headers).send({});
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ kind: "invoice_sent", status: "queued", to_email: "client@example.test", invoice_id: id });
    const rows = await t.owner.query<{
      kind: string;
      status: string;
      to_email: string;
      payload: Record<string, unknown>;
      invoice_id: string;
    }>(`SELECT kind, status, to_email, payload, invoice_id FROM email_events WHERE id = $1`, [sent.body.id]);
    expect(rows.rows[0]).toMatchObject({ kind: "invoice_sent", status: "queued", to_email: "client@example.test", invoice_id: id });
    expect(rows.rows[0]?.payload).toMatchObject({ url: sent.body.url, link_id: sent.body.link_id, balance_cents: 4200 });
    const token = String(sent.body.url).split("/i/")[1] ?? "";
    expect(await resolvePublicInvoiceToken(t.orm.em.fork(), token)).toEqual({ orgId: org, invoiceId: id });

    const other = await request(t.app).post(`/invoices/${id}/send`).set(finance.headers).send({ to_email: "Books@Example.test" });
    expect(other.body.to_email).toBe("books@example.test");

    const anonymous = await client(finance, { name: "No mail", address: "x" });
    const made = await request(t.app)
      .post("/invoices")
      .set(finance.headers)
      .send({ client_id: anonymous, currency: "EUR", items: [item("x", 1, 1)] });
    await request(t.app).post(`/invoices/${made.body.id}/issue`).set(finance.headers);
    const none = await request(t.app).post(`/invoices/${made.body.id}/send`).set(finance.headers).send({});
    expect(none.status).toBe(422);
    expect(none.body.error.code).toBe("no_recipient");
    const badMail = await request(t.app).post(`/invoices/${id}/send`).set(finance.headers).send({ to_email: "not-an-email" });
    expect(badMail.status).toBe(400);
    expect(badMail.body.error.message).toContain("to_email");
  });
});

describe("roles", () => {
  it("finance, owner and admin run invoices and take money; the dispatcher reads invoices only", async () => {
    const { dispatcher, finance } = roles;
    const id = await issuedInvoice(finance, 1000);
    expect((await request(t.app).get("/invoices").set(dispatcher.headers)).status).toBe(200);
    expect((await request(t.app).get(`/invoices/${id}`).set(dispatcher.headers)).status).toBe(200);
    const refused = [
      await request(t.app)
        .post("/invoices")
        .set(dispatcher.headers)
        .send({ client_id: await client(finance), currency: "EUR", items: [item("x", 1, 1)] }),
      await pay(dispatcher, id, 100),
      await request(t.app).post(`/invoices/${id}/void`).set(dispatcher.headers),
      await request(t.app).post(`/invoices/${id}/issue`).set(dispatcher.headers),
      await request(t.app).get(`/invoices/${id}/payments`).set(dispatcher.headers),
      await request(t.app).post(`/invoices/${id}/public-links`).set(dispatcher.headers).send({}),
      await request(t.app).post(`/invoices/${id}/send`).set(dispatcher.headers).send({}),
    ];
    expect(refused.map((r) => r.status)).toEqual([403, 403, 403, 403, 403, 403, 403]);
    for (const role of ["owner", "admin", "finance"] as const) expect((await pay(roles[role], id, 100)).status).toBe(201);
    const got = await request(t.app).get(`/invoices/${id}`).set(finance.headers);
    expect(got.body).toMatchObject({ amount_paid_cents: 300, status: "partially_paid" });
  });
});

describe("another org's ids", () => {
  it("answer 404 on every invoice and dispute route, and the other org's rows stay byte-identical", async () => {
    const theirs = await signedIn(t, "owner");
    const rows = await seedOtherOrg(t, theirs);
    const before = await snapshotOrg(t, theirs.org.orgId);
    const mine = roles.finance;
    const answers: string[] = [];
    for (const route of declaredRoutes(RESOURCES).filter((r) => r.tag === "invoices" || r.tag === "disputes")) {
      const make = CROSS_ORG_CASES[`${route.method.toUpperCase()} ${route.path}`];
      if (route.method === "get" && route.path === "/invoices") continue;
      expect(make, `${route.method} ${route.path} has a cross-org case`).toBeDefined();
      if (!make) continue;
      const call = make(rows, { email: mine.user.email, password: mine.user.password });
      const res = await request(t.app)[route.method](call.path).set(mine.headers).send(call.body);
      answers.push(`${route.method.toUpperCase()} ${route.path} ${res.status} ${res.body?.error?.code ?? ""}`.trim());
    }
    expect(
      answers.every((a) => a.endsWith("404 not_found")),
      answers.join("\n"),
    ).toBe(true);
    expect(await snapshotOrg(t, theirs.org.orgId)).toEqual(before);
    // The seeded rows are real: their owner sees them.
    expect((await request(t.app).get(`/invoices/${rows.invoice}`).set(theirs.headers)).body.status).toBe("partially_paid");
  });
});
