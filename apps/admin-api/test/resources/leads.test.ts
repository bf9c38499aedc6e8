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

async function client(who: SignedIn, name: string): Promise<string> {
  return (await post(who, "/clients", { name, address: "1 Main St" })).body.id as string;
}

const countClients = async (orgId: string) =>
  (await t.owner.query<{ n: number }>(`SELECT count(*)::int AS n FROM client_users WHERE org_id = $1`, [orgId])).rows[0]?.n;

describe("a lead from first contact to client", () => {
  it("is referred, moves along the pipeline, and once won becomes a client and credits its referrer, once", async () => {
    const { dispatcher } = roles;
    const referrer = await client(dispatcher, "Referrer");
    const made = await post(dispatcher, "/leads", {
      name: "Ada Lead",
      email: "Ada@Example.test",
      phone: "+44 20 1234",
      referred_by_client_id: referrer,
    });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({
      status: "new",
      source: "referral",
      email: "ada@example.test",
      referred_by_client_id: referrer,
      converted_client_id: null,
    });
    const id = made.body.id as string;
    for (const status of ["contacted", "quoted"]) {
      const res = await post(dispatcher, `/leads/${id}/status`, { status });
      expect([res.status, res.body.lead.status, res.body.referral_credit]).toEqual([200, status, null]);
    }
    const clientsBefore = await countClients(org);
    const won = await post(dispatcher, `/leads/${id}/status`, { status: "won" });
    expect(won.status).toBe(200);
    const converted = won.body.lead.converted_client_id as string;
    expect(won.body.referral_credit).toMatchObject({
      client_id: referrer,
      lead_id: id,
      amount_cents: 2000,
      currency: "EUR",
      status: "granted",
      redeemed_invoice_id: null,
    });
    expect((await get(dispatcher, `/clients/${converted}`)).body).toMatchObject({
      name: "Ada Lead",
      email: "ada@example.test",
      phone: "+44 20 1234",
    });

    const again = await post(dispatcher, `/leads/${id}/status`, { status: "won" });
    expect([again.status, again.body.error.code]).toEqual([409, "invalid_transition"]);
    expect(await countClients(org)).toBe((clientsBefore ?? 0) + 1);
    const credits = await get(dispatcher, `/referral-credits?client_id=${referrer}`);
    expect((credits.body.items as { id: string }[]).map((c) => c.id)).toEqual([won.body.referral_credit.id]);
    expect((await get(dispatcher, `/referral-credits?client_id=${referrer}&redeemable=true`)).body.items).toHaveLength(1);
    // A redeemed credit leaves the redeemable list (redemption itself comes with invoices).
    await t.owner.query(`UPDATE referral_credits SET status = 'redeemed' WHERE id = $1`, [won.body.referral_credit.id]);
    expect((await get(dispatcher, `/referral-credits?client_id=${referrer}&redeemable=true`)).body.items).toEqual([]);

    const actions = (await auditRows(t, org)).filter((a) => a.entity_id === id || a.entity_id === converted).map((a) => a.action);
    // The win's two rows share one transaction (and timestamp): their order among themselves is not defined.
    expect(actions.slice(0, 3)).toEqual(["lead.created", "lead.contacted", "lead.quoted"]);
    expect(actions.slice(3).sort()).toEqual(["client.created", "lead.won"]);
  });

  it("wins an unreferred lead without a credit, takes a named credit amount, and refuses other moves", async () => {
    const { admin } = roles;
    const plain = (await post(admin, "/leads", { name: "Plain" })).body.id as string;
    const skip = await post(admin, `/leads/${plain}/status`, { status: "won" });
    expect([skip.status, skip.body.error.code]).toEqual([409, "invalid_transition"]);
    await post(admin, `/leads/${plain}/status`, { status: "contacted" });
    await post(admin, `/leads/${plain}/status`, { status: "quoted" });
    const won = await post(admin, `/leads/${plain}/status`, { status: "won" });
    expect([won.body.lead.status, won.body.referral_credit]).toEqual(["won", null]);
    expect(won.body.lead.converted_client_id).toEqual(expect.any(String));

    const referrer = await client(admin, "Dollar referrer");
    const usd = (await post(admin, "/leads", { name: "Usd", referred_by_client_id: referrer })).body.id as string;
    await post(admin, `/leads/${usd}/status`, { status: "contacted" });
    const badCredit = await post(admin, `/leads/${usd}/status`, { status: "quoted", credit_cents: 100 });
    expect([badCredit.status, badCredit.body.error.details.issues[0].path]).toEqual([400, ["credit_cents"]]);
    await post(admin, `/leads/${usd}/status`, { status: "quoted" });
    const paid = await post(admin, `/leads/${usd}/status`, { status: "won", credit_cents: 3500, currency: "USD" });
    expect(paid.body.referral_credit).toMatchObject({ amount_cents: 3500, currency: "USD" });

    const lost = (await post(admin, "/leads", { name: "Lost" })).body.id as string;
    expect((await post(admin, `/leads/${lost}/status`, { status: "lost" })).body.lead.status).toBe("lost");
    expect((await post(admin, `/leads/${lost}/status`, { status: "contacted" })).status).toBe(409);
    expect(((await get(admin, "/leads?status=lost")).body.items as { id: string }[]).map((l) => l.id)).toEqual([lost]);
  });

  it("validates bodies naming the fields, edits details, and keeps finance out", async () => {
    const { dispatcher, finance } = roles;
    const bad = await post(dispatcher, "/leads", { email: "nope", source: "fax", extra: 1 });
    expect(bad.status).toBe(400);
    expect((bad.body.error.details.issues as { path: string[] }[]).map((i) => i.path.join("."))).toEqual(
      expect.arrayContaining(["name", "email", "source", ""]),
    );
    const id = (await post(dispatcher, "/leads", { name: "Edit me" })).body.id as string;
    const patched = await request(t.app)
      .patch(`/leads/${id}`)
      .set(dispatcher.headers)
      .send({ phone: "+1 555 0100", notes: "Call after 5" });
    expect(patched.body).toMatchObject({ phone: "+1 555 0100", notes: "Call after 5", name: "Edit me" });
    expect((await request(t.app).patch(`/leads/${id}`).set(dispatcher.headers).send({ status: "won" })).status).toBe(400);
    expect((await post(dispatcher, `/leads/${id}/status`, { status: "maybe" })).status).toBe(400);
    expect((await post(finance, "/leads", { name: "No" })).status).toBe(403);
    expect((await get(finance, `/leads/${id}`)).status).toBe(403);
    expect((await get(finance, "/referral-credits")).status).toBe(403);
    expect((await post(finance, "/chat-sessions", {})).status).toBe(403);
  });
});

describe("chat sessions", () => {
  it("store messages, link to a lead and a client, close, and keep the text out of the audit log", async () => {
    const { dispatcher } = roles;
    const lead = (await post(dispatcher, "/leads", { name: "Chatty" })).body.id as string;
    const c = await client(dispatcher, "Chat client");
    const chat = await post(dispatcher, "/chat-sessions", { lead_id: lead });
    expect(chat.status).toBe(201);
    expect(chat.body).toMatchObject({ channel: "web", lead_id: lead, client_id: null, status: "open", messages: [] });
    const id = chat.body.id as string;
    await post(dispatcher, `/chat-sessions/${id}/messages`, { from: "client", text: "Do you clean <ovens>?" });
    const reply = await post(dispatcher, `/chat-sessions/${id}/messages`, { from: "staff", text: "Yes & windows too" });
    expect(reply.body.messages).toEqual([
      { from: "client", text: "Do you clean <ovens>?", at: expect.any(String), user_id: null },
      { from: "staff", text: "Yes & windows too", at: expect.any(String), user_id: dispatcher.user.id },
    ]);
    // Messages sent at once all stay: each append holds the session's row lock.
    const burst = await Promise.all(
      [1, 2, 3, 4, 5].map((n) => post(dispatcher, `/chat-sessions/${id}/messages`, { from: "client", text: `m${n}` })),
    );
    expect(burst.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect((await get(dispatcher, `/chat-sessions/${id}`)).body.messages).toHaveLength(7);

    const linked = await post(dispatcher, `/chat-sessions/${id}/link`, { client_id: c });
    expect([linked.body.lead_id, linked.body.client_id]).toEqual([lead, c]);
    expect((await post(dispatcher, `/chat-sessions/${id}/link`, {})).status).toBe(400);
    expect((await post(dispatcher, `/chat-sessions/${id}/messages`, { from: "bot", text: "" })).status).toBe(400);
    const closed = await post(dispatcher, `/chat-sessions/${id}/close`);
    expect([closed.body.status, typeof closed.body.closed_at]).toEqual(["closed", "string"]);
    const late = await post(dispatcher, `/chat-sessions/${id}/messages`, { from: "client", text: "Hello?" });
    expect([late.status, late.body.error.code]).toEqual([409, "chat_closed"]);
    const audit = (await auditRows(t, org)).filter((a) => a.entity_id === id);
    expect(audit.map((a) => a.action)).toEqual([
      "chat_session.created",
      ...Array<string>(7).fill("chat_session.message_added"),
      "chat_session.linked",
      "chat_session.closed",
    ]);
    expect(JSON.stringify(audit)).not.toContain("ovens");
  });
});

describe("leads across orgs", () => {
  it("another org's lead, client and chat are 404 wherever they are named, and stay unchanged", async () => {
    const them = await signedIn(t, "owner");
    const theirClient = await client(them, "Their client");
    const theirLead = (await post(them, "/leads", { name: "Their lead", referred_by_client_id: theirClient })).body.id as string;
    const theirChat = (await post(them, "/chat-sessions", { lead_id: theirLead })).body.id as string;
    const before = await snapshotOrg(t, them.org.orgId);
    const { dispatcher } = roles;
    const mineChat = (await post(dispatcher, "/chat-sessions", {})).body.id as string;
    const calls = [
      get(dispatcher, `/leads/${theirLead}`),
      request(t.app).patch(`/leads/${theirLead}`).set(dispatcher.headers).send({ name: "Mine now" }),
      post(dispatcher, `/leads/${theirLead}/status`, { status: "lost" }),
      post(dispatcher, "/leads", { name: "x", referred_by_client_id: theirClient }),
      post(dispatcher, "/chat-sessions", { lead_id: theirLead }),
      post(dispatcher, "/chat-sessions", { client_id: theirClient }),
      get(dispatcher, `/chat-sessions/${theirChat}`),
      post(dispatcher, `/chat-sessions/${theirChat}/messages`, { from: "staff", text: "hi" }),
      post(dispatcher, `/chat-sessions/${theirChat}/close`),
      post(dispatcher, `/chat-sessions/${theirChat}/link`, { lead_id: theirLead }),
      post(dispatcher, `/chat-sessions/${mineChat}/link`, { client_id: theirClient }),
    ];
    for (const res of await Promise.all(calls)) expect([res.status, res.body.error?.code]).toEqual([404, "not_found"]);
    expect((await get(dispatcher, `/referral-credits?client_id=${theirClient}`)).body.items).toEqual([]);
    expect(await snapshotOrg(t, them.org.orgId)).toEqual(before);
  });
});
