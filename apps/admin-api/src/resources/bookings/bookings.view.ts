import type { IBooking } from "@cleanops/db";
import { endOf } from "./bookings.rules.ts";

/** The booking as the API shows it; its add-ons must be loaded (`populate: ["addons.addon"]`). */
export function bookingView(b: IBooking) {
  const addons = b.addons.getItems().map((a) => ({
    id: a.id,
    addon_id: a.addon.id,
    name: a.addon.getEntity().name,
    quantity: a.quantity,
    unit_price_cents: a.unitPriceCents,
  }));
  const addonsTotal = addons.reduce((sum, a) => sum + a.quantity * a.unit_price_cents, 0);
  return {
    id: b.id,
    client_id: b.client.id,
    team_id: b.team?.id ?? null,
    status: b.status,
    starts_at: b.startsAt.toISOString(),
    ends_at: endOf(b.startsAt, b.durationMinutes).toISOString(),
    duration_minutes: b.durationMinutes,
    address: b.address,
    price_cents: b.priceCents,
    addons_total_cents: addonsTotal,
    total_cents: b.priceCents + addonsTotal,
    currency: b.currency,
    notes: b.notes ?? null,
    subscription_id: b.subscription?.id ?? null,
    occurrence_date: b.occurrenceDate ?? null,
    addons: addons.sort((x, y) => x.name.localeCompare(y.name)),
    created_at: b.createdAt.toISOString(),
    updated_at: b.updatedAt.toISOString(),
  };
}

export type BookingView = ReturnType<typeof bookingView>;
