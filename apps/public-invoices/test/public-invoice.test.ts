import { recording } from "@cleanops/db/testing/sql-recorder";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addLink, seedInvoice, startTestApp, type SeededInvoice, type TestApp } from "./support/test-app.ts";

let t: TestApp;
let a: SeededInvoice;
let b: SeededInvoice;
const tokensSeen: string[] = [];

beforeAll(async () => {
  t = await startTestApp();
  a = await seedInvoice(t.owner, { orgName: "Sparkle & Co", number: "INV-000007" });
  b = await seedInvoice(t.owner, { orgName: "Other Org", number: "INV-000007", currency: "USD" });
  tokensSeen.push(a.token, b.token);
});

afterAll(async () => {
  // The whole file's log output: no token ever reached it (the request logger redacts /i/<token>).
  const logs = t.logText();
  expect(logs).toContain("/i/[redacted]");
  for (const token of tokensSeen) expect(logs).not.toContain(token);
  await t.close();
});

describe("GET /i/{token}", () => {
  it("answers the fixed JSON for Accept: application/json, computed by the shared balance function", async () => {
    const res = await request(t.app).get(`/i/${a.token}`).set("Accept", "application/json");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      org_name: "Sparkle & Co",
      number: "INV-000007",
      status: "issued",
      currency: "EUR",
      items: [
        { description: "Deep clean <3 rooms>", quantity: 1, unit_price_cents: 10000, tax_rate_bps: 2000, net_cents: 10000 },
        { description: "Window cleaning", quantity: 2, unit_price_cents: 2500, tax_rate_bps: 0, net_cents: 5000 },
      ],
      subtotal_cents: 15000,
      tax_cents: 2000,
      total_cents: 17000,
      amount_paid_cents: 0,
      balance_cents: 17000,
      issued_at: "2026-11-02T09:00:00.000Z",
      due_at: "2026-11-16T09:00:00.000Z",
    });
  });

  it("shows an English HTML page with totals and a Pay button, with the privacy headers", async () => {
    const res = await request(t.app).get(`/i/${a.token}`);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/text\/html/);
    expect(res.headers["referrer-policy"]).toBe("no-referrer");
    expect(res.headers["cache-control"]).toBe("private, no-store");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(res.text).toContain('<html lang="en">');
    expect(res.text).toContain("Invoice INV-000007");
    expect(res.text).toContain("Sparkle &amp; Co");
    expect(res.text).toContain("Deep clean &lt;3 rooms&gt;");
    expect(res.text).toContain("November 2, 2026");
    expect(res.text).toContain("€170.00");
    expect(res.text).toContain("€20.00");
    expect(res.text).toContain("Balance due");
    expect(res.text).toMatch(/<button[^>]*id="pay"[^>]*>Pay €170\.00<\/button>/);
  });

  it("never shows another org's invoice: each token opens exactly its own org's invoice", async () => {
    const resA = await request(t.app).get(`/i/${a.token}`).set("Accept", "application/json");
    const resB = await request(t.app).get(`/i/${b.token}`).set("Accept", "application/json");
    expect(resA.body).toMatchObject({ org_name: "Sparkle & Co", currency: "EUR" });
    expect(resB.body).toMatchObject({ org_name: "Other Org", currency: "USD" });
    // Same invoice number in both orgs: nothing of B leaks into A's page.
    const page = await request(t.app).get(`/i/${a.token}`);
    expect(page.text).not.toContain("Other Org");
    expect(page.text).not.toContain("$");
  });

  it("answers unknown, expired, revoked tokens (and a draft's) with the same 404", async () => {
    const expired = await addLink(t.owner, a.orgId, a.invoiceId, new Date(Date.now() - 1000));
    const revoked = await addLink(t.owner, a.orgId, a.invoiceId);
    await t.owner.query(`UPDATE invoice_public_tokens SET revoked_at = now() WHERE id = $1`, [revoked.linkId]);
    const draft = await seedInvoice(t.owner, { status: "draft" });
    await t.owner.query(`UPDATE invoices SET number = NULL WHERE id = $1`, [draft.invoiceId]);
    const unknown = "x".repeat(43);
    tokensSeen.push(expired.token, revoked.token, draft.token, unknown);
    const pages = [];
    const jsons = [];
    for (const token of [unknown, expired.token, revoked.token, draft.token, "short"]) {
      const html = await request(t.app).get(`/i/${token}`);
      expect(html.status).toBe(404);
      pages.push(html.text);
      const json = await request(t.app).get(`/i/${token}`).set("Accept", "application/json");
      expect(json.status).toBe(404);
      jsons.push((json.body as { error: { code: string; message: string } }).error);
    }
    expect(new Set(pages).size).toBe(1);
    expect(pages[0]).toContain("Invoice not found");
    expect(new Set(jsons.map((e) => `${e.code}:${e.message}`))).toEqual(new Set(["not_found:No such invoice."]));
  });

  it("counts views of the link that was opened, committed without waiting for the WAL flush", async () => {
    const link = await addLink(t.owner, b.orgId, b.invoiceId);
    tokensSeen.push(link.token);
    const from = recording.statements.length;
    await request(t.app).get(`/i/${link.token}`).expect(200);
    await request(t.app).get(`/i/${link.token}`).set("Accept", "application/json").expect(200);
    const begins = recording.statements
      .slice(from)
      .map((s) => s.sql.trim().toLowerCase())
      .filter((sql) => sql.startsWith("begin"));
    expect(begins).toEqual(
      Array.from(
        { length: 2 },
        () => `begin; select set_config('app.current_org', '${b.orgId}', true), set_config('synchronous_commit', 'off', true)`,
      ),
    );
    const row = await t.owner.query<{ view_count: number; last_viewed_at: Date | null }>(
      `SELECT view_count, last_viewed_at FROM invoice_public_tokens WHERE id = $1`,
      [link.linkId],
    );
    expect(row.rows[0]?.view_count).toBe(2);
    expect(row.rows[0]?.last_viewed_at).not.toBeNull();
  });

  it("serves a stable PDF", async () => {
    const one = await request(t.app).get(`/i/${a.token}/pdf`).buffer(true);
    const two = await request(t.app).get(`/i/${a.token}/pdf`).buffer(true);
    expect(one.status).toBe(200);
    expect(one.headers["content-type"]).toBe("application/pdf");
    const body = one.body as Buffer;
    expect(body.subarray(0, 5).toString()).toBe("%PDF-");
    expect(Buffer.compare(body, two.body as Buffer)).toBe(0);
  });

  it("Pay redirects (303) to the provider's checkout for the balance", async () => {
    const res = await request(t.app).post(`/i/${a.token}/pay`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(new RegExp(`^${t.baseUrl}/checkout/local/`));
    const checkout = await request(t.app).get(new URL(String(res.headers.location)).pathname);
    expect(checkout.status).toBe(200);
    expect(checkout.text).toContain("Pay €170.00");
  });
});

describe("rate limit", () => {
  it("limits link lookups per IP through the shared PostgreSQL table", async () => {
    const limited = await startTestApp({ rateLimit: { points: 3, durationSeconds: 60 } });
    try {
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await request(limited.app).get(`/i/${"y".repeat(43)}`)).status);
      expect(statuses).toEqual([404, 404, 404, 429, 429]);
      const rows = await limited.owner.query<{ n: string }>(`SELECT count(*) AS n FROM rate_limits_public_invoices`);
      expect(Number(rows.rows[0]?.n)).toBe(1);
    } finally {
      await limited.close();
    }
  });
});
