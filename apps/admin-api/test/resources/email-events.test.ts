import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/test-app.ts";
import { as, insertBooking, invalidFields, itemsOf, pluck, staffOf, type Staff } from "./helpers.ts";
import { snapshotOrg } from "../support/staff.ts";

let t: TestApp;
let staff: Staff;
let other: Staff;

beforeAll(async () => {
  t = await startTestApp();
  staff = await staffOf(t);
  other = await staffOf(t);
});
afterAll(async () => {
  await t.close();
});

type EmailRow = { booking_id?: string | null; invoice_id?: string | null; kind?: string; status?: string; created_at?: string };

async function insertEmail(orgId: string, row: EmailRow = {}): Promise<string> {
  const r = await t.owner.query<{ id: string }>(
    `INSERT INTO email_events (org_id, booking_id, invoice_id, kind, to_email, status, provider_message_id, created_at)
     VALUES ($1, $2, $3, $4, 'client@example.test', $5, 'msg-1', $6) RETURNING id`,
    [
      orgId,
      row.booking_id ?? null,
      row.invoice_id ?? null,
      row.kind ?? "other",
      row.status ?? "sent",
      row.created_at ?? new Date().toISOString(),
    ],
  );
  return r.rows[0]?.id ?? "";
}

async function insertInvoice(orgId: string, clientId: string): Promise<string> {
  const r = await t.owner.query<{ id: string }>(
    `INSERT INTO invoices (org_id, number, client_id, currency) VALUES ($1, $2, $3, 'EUR') RETURNING id`,
    [orgId, `T-${randomUUID().slice(0, 8)}`, clientId],
  );
  return r.rows[0]?.id ?? "";
}

describe("GET /email-events", () => {
  it("lists newest first with every field; filters by status, kind, booking, invoice and a created_at window", async () => {
    const s = await staffOf(t);
    const org = s.owner.org.orgId;
    const { bookingId, clientId } = await insertBooking(t.owner, org);
    const invoiceId = await insertInvoice(org, clientId);
    const confirmed = await insertEmail(org, {
      booking_id: bookingId,
      kind: "booking_confirmed",
      status: "delivered",
      created_at: "2025-03-01T09:00:00Z",
    });
    const invoiced = await insertEmail(org, {
      invoice_id: invoiceId,
      kind: "invoice_sent",
      status: "bounced",
      created_at: "2025-03-02T09:00:00Z",
    });
    const reminder = await insertEmail(org, {
      booking_id: bookingId,
      kind: "booking_reminder",
      status: "queued",
      created_at: "2025-03-03T09:00:00Z",
    });
    const all = await as(t, s.finance).get("/email-events").expect(200);
    expect(pluck(all, "id")).toEqual([reminder, invoiced, confirmed]);
    expect(itemsOf(all)[1]).toEqual({
      id: invoiced,
      booking_id: null,
      invoice_id: invoiceId,
      kind: "invoice_sent",
      to_email: "client@example.test",
      status: "bounced",
      provider_message_id: "msg-1",
      error: null,
      created_at: "2025-03-02T09:00:00.000Z",
      updated_at: expect.any(String),
    });
    const q = async (query: string) => pluck(await as(t, s.dispatcher).get(`/email-events?${query}`).expect(200), "id");
    expect(await q("status=bounced")).toEqual([invoiced]);
    expect(await q("kind=booking_confirmed")).toEqual([confirmed]);
    expect(await q(`booking_id=${bookingId}`)).toEqual([reminder, confirmed]);
    expect(await q(`invoice_id=${invoiceId}`)).toEqual([invoiced]);
    expect(await q("from=2025-03-02T09:00:00Z&to=2025-03-03T09:00:00Z")).toEqual([invoiced]);
    expect(await q(`booking_id=${bookingId}&status=queued`)).toEqual([reminder]);
    const first = await as(t, s.admin).get("/email-events?limit=2").expect(200);
    const next = (first.body as { next_cursor: string }).next_cursor;
    expect(pluck(await as(t, s.admin).get(`/email-events?limit=2&cursor=${next}`).expect(200), "id")).toEqual([confirmed]);
    const one = await as(t, s.owner).get(`/email-events/${confirmed}`).expect(200);
    expect(one.body).toEqual(itemsOf(all)[2]);
  });

  it("validates the filters (400 naming the field)", async () => {
    const cases: [string, string][] = [
      ["status=lost", "status"],
      ["kind=spam", "kind"],
      ["booking_id=1", "booking_id"],
      ["invoice_id=x", "invoice_id"],
      ["from=2025-13-01T00:00:00Z", "from"],
      ["from=2025-02-01T00:00:00Z&to=2025-02-01T00:00:00Z", "to"],
    ];
    for (const [query, field] of cases) {
      const res = await as(t, staff.owner).get(`/email-events?${query}`).expect(400);
      expect(res.body.error.code).toBe("validation_failed");
      expect(invalidFields(res.body)).toContain(field);
    }
  });

  it("every staff role reads it (emails.read)", async () => {
    for (const m of [staff.owner, staff.admin, staff.dispatcher, staff.finance]) await as(t, m).get("/email-events").expect(200);
  });

  it("another org's event is 404 not_found; its booking id filters to nothing; its rows are unchanged", async () => {
    const { bookingId } = await insertBooking(t.owner, other.owner.org.orgId);
    const theirs = await insertEmail(other.owner.org.orgId, { booking_id: bookingId });
    const before = await snapshotOrg(t, other.owner.org.orgId);
    expect((await as(t, staff.owner).get(`/email-events/${theirs}`).expect(404)).body.error.code).toBe("not_found");
    expect((await as(t, staff.owner).get(`/email-events/${randomUUID()}`).expect(404)).body.error.code).toBe("not_found");
    expect((await as(t, staff.owner).get(`/email-events?booking_id=${bookingId}`).expect(200)).body).toEqual({
      items: [],
      next_cursor: null,
    });
    expect(pluck(await as(t, staff.owner).get("/email-events?limit=100").expect(200), "id")).not.toContain(theirs);
    expect(await snapshotOrg(t, other.owner.org.orgId)).toEqual(before);
  });
});
