import request from "supertest";
import type { SignedIn } from "./support/staff.ts";
import type { TestApp } from "./support/test-app.ts";

/** The rows of the other org that the cases aim at, made through the API by that org's owner. */
export type OtherOrgRows = Record<string, string>;

async function post(t: TestApp, who: SignedIn, path: string, body: object): Promise<string> {
  const res = await request(t.app).post(path).set(who.headers).send(body);
  if (res.status !== 201) throw new Error(`seeding ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body as { id: string }).id;
}

/** One row of every resource in the other org. */
export async function seedOtherOrg(t: TestApp, owner: SignedIn): Promise<OtherOrgRows> {
  const org = owner.org.orgId;
  const client = await post(t, owner, "/clients", { name: "Other org's client", email: "other@example.test", address: "Elsewhere 1" });
  const one = async (sql: string, params: unknown[]) => (await t.owner.query<{ id: string }>(sql, params)).rows[0]?.id ?? "";
  const team = await one(`INSERT INTO teams (org_id, name) VALUES ($1, 'Other crew') RETURNING id`, [org]);
  const addon = await one(
    `INSERT INTO addon_definitions (org_id, name, price_cents, currency) VALUES ($1, 'Other add-on', 500, 'EUR') RETURNING id`,
    [org],
  );
  const booking = await post(t, owner, "/bookings", {
    client_id: client,
    starts_at: "2026-09-01T09:00:00Z",
    duration_minutes: 60,
    price_cents: 5000,
    currency: "EUR",
    addons: [{ addon_id: addon, quantity: 1 }],
  });
  // An issued, partly paid invoice with a link and a dispute on its payment: every money route has a real target.
  const invoice = await post(t, owner, "/invoices", { booking_id: booking });
  const issued = await request(t.app).post(`/invoices/${invoice}/issue`).set(owner.headers);
  if (issued.status !== 200) throw new Error(`seeding issue: ${issued.status} ${JSON.stringify(issued.body)}`);
  const payment = await post(t, owner, `/invoices/${invoice}/payments`, { amount_cents: 1000, method: "cash" });
  const link = await post(t, owner, `/invoices/${invoice}/public-links`, {});
  const dispute = await post(t, owner, `/invoices/${invoice}/disputes`, {
    reason: "Other org's dispute",
    amount_cents: 500,
    payment_id: payment,
  });
  const subscription = await post(t, owner, "/subscriptions", {
    client_id: client,
    frequency: "weekly",
    next_booking_at: "2026-09-07T09:00:00Z",
    duration_minutes: 60,
    price_cents: 5000,
    currency: "EUR",
    addons: [{ addon_id: addon, quantity: 1 }],
  });
  const template = await post(t, owner, "/checklist-templates", { name: "Other checklist", items: [{ label: "One" }, { label: "Two" }] });
  const item = await one(`SELECT id FROM checklist_template_items WHERE template_id = $1 AND position = 0`, [template]);
  const item2 = await one(`SELECT id FROM checklist_template_items WHERE template_id = $1 AND position = 1`, [template]);
  await post(t, owner, `/bookings/${booking}/checklist`, { template_id: template });
  const auditLog = await one(`SELECT id FROM admin_audit_logs WHERE org_id = $1 LIMIT 1`, [org]);
  const emailEvent = await one(
    `INSERT INTO email_events (org_id, booking_id, kind, to_email, status) VALUES ($1, $2, 'booking_confirmed', 'other@example.test', 'sent') RETURNING id`,
    [org, booking],
  );
  const hours = await post(t, owner, `/teams/${team}/working-hours`, {
    weekday: 2,
    starts_at_local: "08:00",
    ends_at_local: "18:00",
    timezone: "Europe/Paris",
  });
  const blackout = await post(t, owner, `/teams/${team}/blackouts`, { starts_at: "2026-10-01T00:00:00Z", ends_at: "2026-10-02T00:00:00Z" });
  const worker = await post(t, owner, "/workers", { name: "Other org's worker", email: "worker@example.test", team_id: team });
  const member = (await t.make.membership({ org: owner.org, user: await t.make.user(), role: "dispatcher" })).id;
  const inviteRes = await request(t.app).post("/invitations").set(owner.headers).send({ email: "invitee@example.test", role: "finance" });
  const invitation = (inviteRes.body as { invitation: { id: string } }).invitation.id;
  const lead = await post(t, owner, "/leads", { name: "Other org's lead", referred_by_client_id: client });
  const credit = await one(
    `INSERT INTO referral_credits (org_id, client_id, amount_cents, currency, status) VALUES ($1, $2, 500, 'EUR', 'granted') RETURNING id`,
    [org, client],
  );
  const chat = await post(t, owner, "/chat-sessions", { lead_id: lead, client_id: client });
  const docTemplate = await post(t, owner, "/document-templates", {
    name: "Other contract",
    kind: "contract",
    body: "For {{client.name}}",
  });
  const document = await post(t, owner, "/documents", { template_id: docTemplate, client_id: client, booking_id: booking });
  return {
    org,
    client,
    team,
    addon,
    booking,
    subscription,
    member,
    invitation,
    hours,
    blackout,
    worker,
    template,
    item,
    item2,
    auditLog,
    emailEvent,
    invoice,
    payment,
    link,
    dispute,
    lead,
    credit,
    chat,
    docTemplate,
    document,
  };
}

/** The first org's caller, for the public routes that take credentials in the body. */
export type Caller = { email: string; password: string };

type Case = (rows: OtherOrgRows, me: Caller) => { path: string; body?: object; expect?: { status: number; code: string } };

/**
 * For every route that takes an id (in its path or body): the call that aims it at the other org's rows. The
 * contract test fails when a declared route is missing here; the cross-org test runs each as every role of the
 * first org and wants 404 (or that role's 403), with the other org's rows byte-identical afterwards.
 */
export const CROSS_ORG_CASES: Record<string, Case> = {
  "POST /invoices/:id/redeem-credit": (r) => ({ path: `/invoices/${r.invoice}/redeem-credit`, body: { credit_id: r.credit } }),
  // Signing in "to" an org you do not belong to is refused like a revoked membership (public: no role applies).
  "POST /auth/login": (r, me) => ({
    path: "/auth/login",
    body: { email: me.email, password: me.password, org_id: r.org },
    expect: { status: 401, code: "membership_revoked" },
  }),
  "POST /auth/switch-org": (r) => ({ path: "/auth/switch-org", body: { org_id: r.org } }),
  "POST /auth/session": (r, me) => ({
    path: "/auth/session",
    body: { email: me.email, password: me.password, org_id: r.org },
    expect: { status: 401, code: "membership_revoked" },
  }),
  "POST /auth/session/switch-org": (r) => ({ path: "/auth/session/switch-org", body: { org_id: r.org } }),
  "GET /memberships/:id": (r) => ({ path: `/memberships/${r.member}` }),
  "PATCH /memberships/:id": (r) => ({ path: `/memberships/${r.member}`, body: { role: "finance" } }),
  "DELETE /memberships/:id": (r) => ({ path: `/memberships/${r.member}` }),
  "POST /org/transfer-ownership": (r) => ({ path: "/org/transfer-ownership", body: { membership_id: r.member } }),
  "DELETE /invitations/:id": (r) => ({ path: `/invitations/${r.invitation}` }),
  "GET /clients/:id": (r) => ({ path: `/clients/${r.client}` }),
  "PATCH /clients/:id": (r) => ({ path: `/clients/${r.client}`, body: { name: "Taken over" } }),
  "POST /clients/:id/archive": (r) => ({ path: `/clients/${r.client}/archive` }),
  "POST /clients/:id/restore": (r) => ({ path: `/clients/${r.client}/restore` }),
  "POST /bookings": (r) => ({
    path: "/bookings",
    body: { client_id: r.client, starts_at: "2026-09-02T09:00:00Z", duration_minutes: 60, price_cents: 1, currency: "EUR" },
  }),
  "GET /bookings/:id": (r) => ({ path: `/bookings/${r.booking}` }),
  "POST /bookings/:id/assign": (r) => ({ path: `/bookings/${r.booking}/assign`, body: { team_id: r.team } }),
  "POST /bookings/:id/unassign": (r) => ({ path: `/bookings/${r.booking}/unassign` }),
  "POST /bookings/:id/status": (r) => ({ path: `/bookings/${r.booking}/status`, body: { status: "cancelled" } }),
  "POST /bookings/:id/reschedule": (r) => ({ path: `/bookings/${r.booking}/reschedule`, body: { starts_at: "2026-09-03T09:00:00Z" } }),
  "GET /teams/:id/schedule": (r) => ({ path: `/teams/${r.team}/schedule?date=2026-09-01` }),
  "GET /teams/:id": (r) => ({ path: `/teams/${r.team}` }),
  "PATCH /teams/:id": (r) => ({ path: `/teams/${r.team}`, body: { name: "Taken over", active: false } }),
  "POST /teams/:id/working-hours": (r) => ({
    path: `/teams/${r.team}/working-hours`,
    body: { weekday: 3, starts_at_local: "08:00", ends_at_local: "12:00", timezone: "Europe/Paris" },
  }),
  "GET /teams/:id/working-hours": (r) => ({ path: `/teams/${r.team}/working-hours` }),
  "DELETE /teams/:id/working-hours/:hours_id": (r) => ({ path: `/teams/${r.team}/working-hours/${r.hours}` }),
  "POST /teams/:id/blackouts": (r) => ({
    path: `/teams/${r.team}/blackouts`,
    body: { starts_at: "2026-11-01T00:00:00Z", ends_at: "2026-11-02T00:00:00Z" },
  }),
  "GET /teams/:id/blackouts": (r) => ({ path: `/teams/${r.team}/blackouts` }),
  "DELETE /teams/:id/blackouts/:blackout_id": (r) => ({ path: `/teams/${r.team}/blackouts/${r.blackout}` }),
  "POST /workers": (r) => ({ path: "/workers", body: { name: "Poached", email: "poached@example.test", team_id: r.team } }),
  "GET /workers/:id": (r) => ({ path: `/workers/${r.worker}` }),
  "PATCH /workers/:id": (r) => ({ path: `/workers/${r.worker}`, body: { name: "Taken over" } }),
  "POST /workers/:id/move": (r) => ({ path: `/workers/${r.worker}/move`, body: { team_id: r.team } }),
  "POST /workers/:id/deactivate": (r) => ({ path: `/workers/${r.worker}/deactivate` }),
  "POST /workers/:id/reactivate": (r) => ({ path: `/workers/${r.worker}/reactivate` }),
  "POST /workers/:id/invitation": (r) => ({ path: `/workers/${r.worker}/invitation` }),
  "POST /invoices": (r) => ({ path: "/invoices", body: { booking_id: r.booking } }),
  "GET /invoices/:id": (r) => ({ path: `/invoices/${r.invoice}` }),
  "PUT /invoices/:id/items": (r) => ({
    path: `/invoices/${r.invoice}/items`,
    body: { items: [{ description: "Taken over", quantity: 1, unit_price_cents: 1 }] },
  }),
  "POST /invoices/:id/issue": (r) => ({ path: `/invoices/${r.invoice}/issue` }),
  "POST /invoices/:id/void": (r) => ({ path: `/invoices/${r.invoice}/void` }),
  "POST /invoices/:id/payments": (r) => ({ path: `/invoices/${r.invoice}/payments`, body: { amount_cents: 1, method: "cash" } }),
  "GET /invoices/:id/payments": (r) => ({ path: `/invoices/${r.invoice}/payments` }),
  "POST /invoices/:id/public-links": (r) => ({ path: `/invoices/${r.invoice}/public-links`, body: {} }),
  "GET /invoices/:id/public-links": (r) => ({ path: `/invoices/${r.invoice}/public-links` }),
  "DELETE /invoices/:id/public-links/:link_id": (r) => ({ path: `/invoices/${r.invoice}/public-links/${r.link}` }),
  "POST /invoices/:id/send": (r) => ({ path: `/invoices/${r.invoice}/send`, body: { to_email: "thief@example.test" } }),
  "POST /invoices/:id/disputes": (r) => ({
    path: `/invoices/${r.invoice}/disputes`,
    body: { reason: "Taken over", amount_cents: 1, payment_id: r.payment },
  }),
  "GET /invoices/:id/disputes": (r) => ({ path: `/invoices/${r.invoice}/disputes` }),
  "GET /disputes/:id": (r) => ({ path: `/disputes/${r.dispute}` }),
  "POST /disputes/:id/resolve": (r) => ({ path: `/disputes/${r.dispute}/resolve`, body: { outcome: "refunded" } }),
  "POST /invoices/:id/adjustments": (r) => ({
    path: `/invoices/${r.invoice}/adjustments`,
    body: { kind: "credit", amount_cents: 1, dispute_id: r.dispute },
  }),
  "GET /invoices/:id/adjustments": (r) => ({ path: `/invoices/${r.invoice}/adjustments` }),
  "GET /addons/:id": (r) => ({ path: `/addons/${r.addon}` }),
  "PATCH /addons/:id": (r) => ({ path: `/addons/${r.addon}`, body: { price_cents: 1 } }),
  "POST /addons/:id/deactivate": (r) => ({ path: `/addons/${r.addon}/deactivate` }),
  "POST /addons/:id/activate": (r) => ({ path: `/addons/${r.addon}/activate` }),
  "GET /checklist-templates/:id": (r) => ({ path: `/checklist-templates/${r.template}` }),
  "PATCH /checklist-templates/:id": (r) => ({ path: `/checklist-templates/${r.template}`, body: { name: "Taken over", active: false } }),
  "POST /checklist-templates/:id/items": (r) => ({
    path: `/checklist-templates/${r.template}/items`,
    body: { label: "Injected", position: 0 },
  }),
  "PATCH /checklist-templates/:id/items/:item_id": (r) => ({
    path: `/checklist-templates/${r.template}/items/${r.item}`,
    body: { label: "Taken over" },
  }),
  "DELETE /checklist-templates/:id/items/:item_id": (r) => ({ path: `/checklist-templates/${r.template}/items/${r.item}` }),
  "POST /checklist-templates/:id/reorder": (r) => ({
    path: `/checklist-templates/${r.template}/reorder`,
    body: { item_ids: [r.item2, r.item] },
  }),
  "POST /bookings/:id/checklist": (r) => ({ path: `/bookings/${r.booking}/checklist`, body: { template_id: r.template } }),
  "GET /bookings/:id/checklist": (r) => ({ path: `/bookings/${r.booking}/checklist` }),
  "GET /bookings/:id/photos": (r) => ({ path: `/bookings/${r.booking}/photos` }),
  "GET /audit-logs/:id": (r) => ({ path: `/audit-logs/${r.auditLog}` }),
  "GET /email-events/:id": (r) => ({ path: `/email-events/${r.emailEvent}` }),
  "POST /subscriptions": (r) => ({
    path: "/subscriptions",
    body: {
      client_id: r.client,
      frequency: "weekly",
      next_booking_at: "2026-09-07T09:00:00Z",
      duration_minutes: 60,
      price_cents: 1,
      currency: "EUR",
    },
  }),
  "GET /subscriptions/:id": (r) => ({ path: `/subscriptions/${r.subscription}` }),
  "POST /subscriptions/:id/pause": (r) => ({ path: `/subscriptions/${r.subscription}/pause` }),
  "POST /subscriptions/:id/resume": (r) => ({ path: `/subscriptions/${r.subscription}/resume` }),
  "POST /subscriptions/:id/cancel": (r) => ({ path: `/subscriptions/${r.subscription}/cancel` }),
  "POST /leads": (r) => ({ path: "/leads", body: { name: "Referred across orgs", referred_by_client_id: r.client } }),
  "GET /leads/:id": (r) => ({ path: `/leads/${r.lead}` }),
  "PATCH /leads/:id": (r) => ({ path: `/leads/${r.lead}`, body: { name: "Taken over" } }),
  "POST /leads/:id/status": (r) => ({ path: `/leads/${r.lead}/status`, body: { status: "contacted" } }),
  "POST /chat-sessions": (r) => ({ path: "/chat-sessions", body: { lead_id: r.lead, client_id: r.client } }),
  "GET /chat-sessions/:id": (r) => ({ path: `/chat-sessions/${r.chat}` }),
  "POST /chat-sessions/:id/messages": (r) => ({ path: `/chat-sessions/${r.chat}/messages`, body: { from: "staff", text: "hello" } }),
  "POST /chat-sessions/:id/link": (r) => ({ path: `/chat-sessions/${r.chat}/link`, body: { client_id: r.client } }),
  "POST /chat-sessions/:id/close": (r) => ({ path: `/chat-sessions/${r.chat}/close` }),
  "GET /document-templates/:id": (r) => ({ path: `/document-templates/${r.docTemplate}` }),
  "PATCH /document-templates/:id": (r) => ({ path: `/document-templates/${r.docTemplate}`, body: { name: "Taken over" } }),
  "POST /documents": (r) => ({ path: "/documents", body: { template_id: r.docTemplate, client_id: r.client, booking_id: r.booking } }),
  "GET /documents/:id": (r) => ({ path: `/documents/${r.document}` }),
  "POST /documents/:id/send": (r) => ({ path: `/documents/${r.document}/send` }),
  "POST /documents/:id/sign": (r) => ({ path: `/documents/${r.document}/sign` }),
};
