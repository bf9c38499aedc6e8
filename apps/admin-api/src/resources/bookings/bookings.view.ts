import type { IBooking } from "@cleanops/db";
import { endOf, type BookingStatus } from "./bookings.rules.ts";

/** A booking with its add-ons as plain data: what an entity or a row of the hot reads (bookings.queries.ts) gives. */
export type BookingRecord = {
  id: string;
  clientId: string;
  teamId: string | null;
  status: BookingStatus;
  startsAt: Date;
  durationMinutes: number;
  address: string;
  priceCents: number;
  currency: string;
  notes: string | null;
  subscriptionId: string | null;
  occurrenceDate: string | null;
  createdAt: Date;
  updatedAt: Date;
  addons: { id: string; addonId: string; name: string; quantity: number; unitPriceCents: number }[];
};

/** The record of a loaded entity; its add-ons must be loaded (`populate: ["addons.addon"]`). */
export function bookingRecord(b: IBooking): BookingRecord {
  return {
    id: b.id,
    clientId: b.client.id,
    teamId: b.team?.id ?? null,
    status: b.status,
    startsAt: b.startsAt,
    durationMinutes: b.durationMinutes,
    address: b.address,
    priceCents: b.priceCents,
    currency: b.currency,
    notes: b.notes ?? null,
    subscriptionId: b.subscription?.id ?? null,
    occurrenceDate: b.occurrenceDate ?? null,
    createdAt: b.createdAt,
    updatedAt: b.updatedAt,
    addons: b.addons.getItems().map((a) => ({
      id: a.id,
      addonId: a.addon.id,
      name: a.addon.getEntity().name,
      quantity: a.quantity,
      unitPriceCents: a.unitPriceCents,
    })),
  };
}

/** The booking as the API shows it, from an entity (writes) or a record (the reads). */
export function bookingView(booking: IBooking | BookingRecord) {
  const b = "clientId" in booking ? booking : bookingRecord(booking);
  const addons = b.addons.map((a) => ({
    id: a.id,
    addon_id: a.addonId,
    name: a.name,
    quantity: a.quantity,
    unit_price_cents: a.unitPriceCents,
  }));
  const addonsTotal = addons.reduce((sum, a) => sum + a.quantity * a.unit_price_cents, 0);
  return {
    id: b.id,
    client_id: b.clientId,
    team_id: b.teamId,
    status: b.status,
    starts_at: b.startsAt.toISOString(),
    ends_at: endOf(b.startsAt, b.durationMinutes).toISOString(),
    duration_minutes: b.durationMinutes,
    address: b.address,
    price_cents: b.priceCents,
    addons_total_cents: addonsTotal,
    total_cents: b.priceCents + addonsTotal,
    currency: b.currency,
    notes: b.notes,
    subscription_id: b.subscriptionId,
    occurrence_date: b.occurrenceDate,
    addons: addons.sort((x, y) => x.name.localeCompare(y.name)),
    created_at: b.createdAt.toISOString(),
    updated_at: b.updatedAt.toISOString(),
  };
}

export type BookingView = ReturnType<typeof bookingView>;
