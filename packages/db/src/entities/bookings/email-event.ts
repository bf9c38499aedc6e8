import { p, type InferEntity } from "@mikro-orm/core";
import { defineOrgEntity, orgFk } from "../base/org-scoped.ts";
import { uuidPrimaryKey } from "../base/primary-key.ts";
import { Invoice } from "../invoices/invoice.ts";
import { Booking } from "./booking.ts";

/** An outbound email about a booking or an invoice, and its delivery state. */
export const EmailEvent = defineOrgEntity({
  name: "EmailEvent",
  tableName: "email_events",
  properties: {
    id: uuidPrimaryKey(),
    booking: () => p.manyToOne(Booking).ref().nullable().foreignKeyName(orgFk("email_events", "booking_id")).deleteRule("set null"),
    invoice: () => p.manyToOne(Invoice).ref().nullable().foreignKeyName(orgFk("email_events", "invoice_id")).deleteRule("set null"),
    kind: p.enum(["booking_confirmed", "booking_reminder", "invoice_sent", "payment_receipt", "other"]),
    toEmail: p.text(),
    status: p.enum(["queued", "sent", "delivered", "bounced", "failed"]).default("queued"),
    providerMessageId: p.text().nullable(),
    error: p.text().nullable(),
    /** The template's values for the sender (0041), e.g. `{ invoice_number, url }`. */
    payload: p.json<Record<string, unknown>>().defaultRaw("'{}'::jsonb").check("jsonb_typeof(payload) = 'object'"),
    createdAt: p.datetime().defaultRaw("now()"),
    updatedAt: p
      .datetime()
      .defaultRaw("now()")
      .onUpdate(() => new Date()),
  },
  indexes: [{ properties: ["orgId", "status"] }, { properties: ["orgId", "createdAt"] }, { properties: ["providerMessageId"] }],
});

export type IEmailEvent = InferEntity<typeof EmailEvent>;
