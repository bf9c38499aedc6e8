import { createHash, randomUUID } from "node:crypto";
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

async function insertPhoto(orgId: string, bookingId: string, createdAt: string, kind = "after"): Promise<{ id: string; sha256: string }> {
  const sha256 = createHash("sha256").update(randomUUID()).digest("hex");
  const r = await t.owner.query<{ id: string }>(
    `INSERT INTO order_photos (org_id, booking_id, kind, storage_key, content_type, byte_size, sha256, created_at)
     VALUES ($1, $2, $3, $4, 'image/jpeg', 2048, $5, $6) RETURNING id`,
    [orgId, bookingId, kind, `secret/${orgId}/${randomUUID()}.jpg`, sha256, createdAt],
  );
  return { id: r.rows[0]?.id ?? "", sha256 };
}

describe("GET /bookings/:id/photos", () => {
  it("lists the booking's photo metadata newest first, never the storage key; pages with the cursor", async () => {
    const org = staff.owner.org.orgId;
    const { bookingId } = await insertBooking(t.owner, org);
    const { bookingId: otherBooking } = await insertBooking(t.owner, org);
    const before = await insertPhoto(org, bookingId, "2025-05-01T08:00:00Z", "before");
    const after = await insertPhoto(org, bookingId, "2025-05-01T12:00:00Z");
    await insertPhoto(org, otherBooking, "2025-05-01T13:00:00Z");
    for (const m of [staff.owner, staff.admin, staff.dispatcher, staff.finance]) {
      const res = await as(t, m).get(`/bookings/${bookingId}/photos`).expect(200);
      expect(pluck(res, "id")).toEqual([after.id, before.id]);
    }
    const res = await as(t, staff.finance).get(`/bookings/${bookingId}/photos`).expect(200);
    expect(itemsOf(res)[1]).toEqual({
      id: before.id,
      booking_id: bookingId,
      worker_id: null,
      kind: "before",
      content_type: "image/jpeg",
      byte_size: 2048,
      sha256: before.sha256,
      created_at: "2025-05-01T08:00:00.000Z",
    });
    expect(JSON.stringify(res.body)).not.toContain("secret/");
    const page = await as(t, staff.owner).get(`/bookings/${bookingId}/photos?limit=1`).expect(200);
    const next = (page.body as { next_cursor: string }).next_cursor;
    const rest = await as(t, staff.owner).get(`/bookings/${bookingId}/photos?limit=1&cursor=${next}`).expect(200);
    expect(rest.body).toEqual({ items: [expect.objectContaining({ id: before.id })], next_cursor: null });
    const empty = await insertBooking(t.owner, org);
    expect((await as(t, staff.owner).get(`/bookings/${empty.bookingId}/photos`).expect(200)).body).toEqual({
      items: [],
      next_cursor: null,
    });
  });

  it("validates the id and the page (400 naming the field)", async () => {
    expect(invalidFields((await as(t, staff.owner).get("/bookings/nope/photos").expect(400)).body)).toContain("id");
    const { bookingId } = await insertBooking(t.owner, staff.owner.org.orgId);
    expect(invalidFields((await as(t, staff.owner).get(`/bookings/${bookingId}/photos?limit=500`).expect(400)).body)).toContain("limit");
  });

  it("another org's booking is 404 not_found, like a missing one; its photos are unchanged", async () => {
    const { bookingId } = await insertBooking(t.owner, other.owner.org.orgId);
    await insertPhoto(other.owner.org.orgId, bookingId, "2025-05-01T08:00:00Z");
    const before = await snapshotOrg(t, other.owner.org.orgId);
    expect((await as(t, staff.owner).get(`/bookings/${bookingId}/photos`).expect(404)).body.error.code).toBe("not_found");
    expect((await as(t, staff.owner).get(`/bookings/${randomUUID()}/photos`).expect(404)).body.error.code).toBe("not_found");
    expect(await snapshotOrg(t, other.owner.org.orgId)).toEqual(before);
  });
});
