import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

const post = (who: SignedIn, path: string, body?: object) =>
  request(t.app)
    .post(path)
    .set(who.headers)
    .send(body ?? {});
const get = (who: SignedIn, path: string) => request(t.app).get(path).set(who.headers);

async function client(who: SignedIn, body: object): Promise<string> {
  return (await post(who, "/clients", body)).body.id as string;
}

async function booking(who: SignedIn, clientId: string): Promise<string> {
  const res = await post(who, "/bookings", {
    client_id: clientId,
    starts_at: "2026-06-01T08:30:00Z",
    duration_minutes: 60,
    price_cents: 5000,
    currency: "EUR",
    address: "Flat 2, 10 <Rose> St",
  });
  return res.body.id as string;
}

const CONTRACT = `<h1>{{org.name}}</h1><p>Between {{ org.name }} and {{client.name}} ({{client.email}}), {{client.address}}.</p>
<p>First visit {{booking.starts_at}} at {{booking.address}}.</p>`;

describe("templates and documents", () => {
  it("renders a template for a booking with every value escaped, then sends and signs it", async () => {
    const { finance, owner } = roles;
    const c = await client(owner, { name: `Bob "The Mop" <script>x()</script>`, email: "bob@example.test", address: "1 A & B Rd" });
    const b = await booking(owner, c);
    const tpl = await post(finance, "/document-templates", { name: "Service contract", kind: "contract", body: CONTRACT });
    expect(tpl.status).toBe(201);
    expect(tpl.body).toMatchObject({ version: 1, kind: "contract" });
    expect(tpl.body.placeholders).toEqual([
      "org.name",
      "client.name",
      "client.email",
      "client.address",
      "booking.starts_at",
      "booking.address",
    ]);

    const doc = await post(finance, "/documents", { template_id: tpl.body.id, booking_id: b });
    expect(doc.status).toBe(201);
    const orgName = (await t.owner.query<{ name: string }>(`SELECT name FROM organizations WHERE org_id = $1`, [org])).rows[0]?.name ?? "";
    expect(doc.body).toMatchObject({ status: "draft", client_id: c, booking_id: b, title: "Service contract", signed_at: null });
    const escapedOrg = orgName
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/'/g, "&#39;");
    expect(doc.body.body).toBe(
      `<h1>${escapedOrg}</h1><p>Between ${escapedOrg} and Bob &quot;The Mop&quot; &lt;script&gt;x()&lt;/script&gt; (bob@example.test), 1 A &amp; B Rd.</p>
<p>First visit 2026-06-01T08:30:00.000Z at Flat 2, 10 &lt;Rose&gt; St.</p>`,
    );
    const id = doc.body.id as string;
    const signEarly = await post(finance, `/documents/${id}/sign`);
    expect([signEarly.status, signEarly.body.error.code]).toEqual([409, "invalid_transition"]);
    expect((await post(finance, `/documents/${id}/send`)).body.status).toBe("sent");
    const signed = await post(finance, `/documents/${id}/sign`);
    expect([signed.body.status, signed.body.signed_at]).toEqual(["signed", t.clock.now().toISOString()]);
    expect((await post(finance, `/documents/${id}/send`)).status).toBe(409);
    expect((await get(finance, `/documents/${id}`)).body.status).toBe("signed");
    expect(((await get(finance, `/documents?client_id=${c}&status=signed`)).body.items as { id: string }[]).map((d) => d.id)).toEqual([id]);
    expect((await get(finance, `/documents?status=draft&client_id=${c}`)).body.items).toEqual([]);

    const audit = (await auditRows(t, org)).filter((a) => a.entity_id === id);
    expect(audit.map((a) => a.action)).toEqual(["document.created", "document.sent", "document.signed"]);
    expect(JSON.stringify(audit)).not.toContain("bob@example.test");
  });

  it("refuses unknown placeholders by name on save and on change, and bumps the version on every change", async () => {
    const { finance } = roles;
    const before = await snapshotOrg(t, org);
    const bad = await post(finance, "/document-templates", {
      name: "Quote",
      kind: "quote",
      body: "Hi {{client.name}}, total {{ total }} {{client.phone}}",
    });
    expect([bad.status, bad.body.error.code, bad.body.error.details.unknown]).toEqual([
      422,
      "unknown_placeholder",
      ["total", "client.phone"],
    ]);
    expect(await snapshotOrg(t, org)).toEqual(before);

    const id = (await post(finance, "/document-templates", { name: "Quote", kind: "quote", body: "For {{client.name}}" })).body
      .id as string;
    const dup = await post(finance, "/document-templates", { name: "Quote", kind: "quote", body: "again" });
    expect(dup.status).toBe(409);
    const patch = (body: object) => request(t.app).patch(`/document-templates/${id}`).set(finance.headers).send(body);
    expect((await patch({ body: "For {{client.nam}}" })).body.error.details.unknown).toEqual(["client.nam"]);
    expect((await patch({ body: "Dear {{client.name}}" })).body).toMatchObject({ version: 2, body: "Dear {{client.name}}" });
    expect((await patch({ kind: "other" })).body).toMatchObject({ version: 3, kind: "other" });
    expect((await patch({})).status).toBe(400);
    expect((await get(finance, `/document-templates/${id}`)).body.version).toBe(3);

    // A template naming a client needs one; an org-only template renders with nothing else.
    const needsClient = await post(finance, "/documents", { template_id: id });
    expect([needsClient.status, needsClient.body.error.code, needsClient.body.error.details.missing]).toEqual([
      422,
      "placeholder_unavailable",
      ["client_id"],
    ]);
    const orgOnly = (await post(finance, "/document-templates", { name: "Notice", kind: "other", body: "From {{org.name}}" })).body
      .id as string;
    const notice = await post(finance, "/documents", { template_id: orgOnly, title: "Holiday notice" });
    expect([notice.status, notice.body.title, notice.body.client_id]).toEqual([201, "Holiday notice", null]);
  });

  it("validates bodies naming the fields, refuses a booking of another client, and keeps dispatchers out", async () => {
    const { finance, dispatcher, owner } = roles;
    const bad = await post(finance, "/document-templates", { name: "", kind: "poem", extra: true });
    expect(bad.status).toBe(400);
    expect((bad.body.error.details.issues as { path: string[] }[]).map((i) => i.path.join("."))).toEqual(
      expect.arrayContaining(["name", "kind", "body", ""]),
    );
    const badDoc = await post(finance, "/documents", { template_id: "nope" });
    expect([badDoc.status, badDoc.body.error.details.issues[0].path]).toEqual([400, ["template_id"]]);
    const tpl = (await post(finance, "/document-templates", { name: "Visit", kind: "other", body: "{{booking.address}}" })).body
      .id as string;
    const c1 = await client(owner, { name: "One", address: "1 St" });
    const c2 = await client(owner, { name: "Two", address: "2 St" });
    const b = await booking(owner, c1);
    const mismatch = await post(finance, "/documents", { template_id: tpl, client_id: c2, booking_id: b });
    expect([mismatch.status, mismatch.body.error.details.issues[0].path]).toEqual([400, ["booking_id"]]);
    expect((await post(dispatcher, "/document-templates", { name: "D", kind: "other", body: "x" })).status).toBe(403);
    expect((await get(dispatcher, "/documents")).status).toBe(403);
    expect((await get(dispatcher, `/document-templates/${tpl}`)).status).toBe(403);
  });
});

describe("documents across orgs", () => {
  it("another org's template, document, client and booking are 404 wherever they are named, and stay unchanged", async () => {
    const them = await signedIn(t, "owner");
    const theirClient = await client(them, { name: "Theirs", address: "9 St" });
    const theirBooking = await booking(them, theirClient);
    const theirTpl = (await post(them, "/document-templates", { name: "T", kind: "other", body: "{{client.name}}" })).body.id as string;
    const theirDoc = (await post(them, "/documents", { template_id: theirTpl, client_id: theirClient })).body.id as string;
    const before = await snapshotOrg(t, them.org.orgId);
    const { finance } = roles;
    const mine = (await post(finance, "/document-templates", { name: "Mine", kind: "other", body: "{{org.name}}" })).body.id as string;
    const calls = [
      get(finance, `/document-templates/${theirTpl}`),
      request(t.app).patch(`/document-templates/${theirTpl}`).set(finance.headers).send({ name: "Taken" }),
      post(finance, "/documents", { template_id: theirTpl }),
      post(finance, "/documents", { template_id: mine, client_id: theirClient }),
      post(finance, "/documents", { template_id: mine, booking_id: theirBooking }),
      get(finance, `/documents/${theirDoc}`),
      post(finance, `/documents/${theirDoc}/send`),
      post(finance, `/documents/${theirDoc}/sign`),
    ];
    for (const res of await Promise.all(calls)) expect([res.status, res.body.error?.code]).toEqual([404, "not_found"]);
    expect(await snapshotOrg(t, them.org.orgId)).toEqual(before);
  });
});
