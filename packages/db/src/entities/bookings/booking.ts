import { p, type InferEntity } from "@mikro-orm/core";
import { OrderAddon } from "../addons/order-addon.ts";
import { defineOrgEntity, orgFk } from "../base/org-scoped.ts";
import { uuidPrimaryKey } from "../base/primary-key.ts";
import { ClientUser } from "../clients/client-user.ts";
import { Subscription } from "../subscriptions/subscription.ts";
import { OrderPhoto } from "./order-photo.ts";
import { Team } from "./team.ts";

export const BOOKING_STATUSES = ["requested", "confirmed", "in_progress", "completed", "cancelled"] as const;

/** A cleaning job (an "order") for a client; `team` stays empty until it is dispatched. */
export const Booking = defineOrgEntity({
  name: "Booking",
  tableName: "bookings",
  properties: {
    id: uuidPrimaryKey(),
    client: () => p.manyToOne(ClientUser).ref().foreignKeyName(orgFk("bookings", "client_id")).deleteRule("restrict"),
    team: () => p.manyToOne(Team).ref().nullable().foreignKeyName(orgFk("bookings", "team_id")).deleteRule("set null"),
    status: p.enum(BOOKING_STATUSES).default("requested"),
    startsAt: p.datetime(),
    durationMinutes: p.integer().check("duration_minutes > 0"),
    address: p.text(),
    priceCents: p.integer().check("price_cents >= 0"),
    currency: p.text().check("currency ~ '^[A-Z]{3}$'"),
    notes: p.text().nullable(),
    // Set by a subscription's due-run (both or neither): unique per (org, plan, date), so an occurrence is booked once.
    subscription: () =>
      p.manyToOne(Subscription).ref().nullable().foreignKeyName(orgFk("bookings", "subscription_id")).deleteRule("restrict"),
    occurrenceDate: p.date().nullable(),
    createdAt: p.datetime().defaultRaw("now()"),
    updatedAt: p
      .datetime()
      .defaultRaw("now()")
      .onUpdate(() => new Date()),
    addons: () => p.oneToMany(OrderAddon).mappedBy("booking"),
    photos: () => p.oneToMany(OrderPhoto).mappedBy("booking"),
  },
  uniques: [{ properties: ["orgId", "id"] }, { properties: ["orgId", "subscription", "occurrenceDate"] }],
  checks: [{ name: "bookings_occurrence_check", expression: "(subscription_id IS NULL) = (occurrence_date IS NULL)" }],
  indexes: [
    { properties: ["client"] },
    { properties: ["team", "startsAt"] },
    { properties: ["startsAt"] },
    { properties: ["orgId", "status"] },
    { properties: ["orgId", "createdAt"] },
    // 0049: the status-filtered list, newest first, served in index order.
    { name: "bookings_org_id_status_created_at_id_idx", properties: ["orgId", "status", "createdAt", "id"] },
  ],
});

export type IBooking = InferEntity<typeof Booking>;
