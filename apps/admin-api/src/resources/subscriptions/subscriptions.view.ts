import type { ISubscription } from "@cleanops/db";

/** The plan as the API shows it; its add-ons must be loaded (`populate: ["addons.addon"]`). */
export function subscriptionView(s: ISubscription) {
  return {
    id: s.id,
    client_id: s.client.id,
    frequency: s.frequency,
    status: s.status,
    next_booking_at: s.nextBookingAt ? s.nextBookingAt.toISOString() : null,
    anchor_day: s.anchorDay ?? null,
    duration_minutes: s.durationMinutes,
    price_cents: s.priceCents,
    currency: s.currency,
    addons: s.addons
      .getItems()
      .map((a) => ({ id: a.id, addon_id: a.addon.id, name: a.addon.getEntity().name, quantity: a.quantity }))
      .sort((x, y) => x.name.localeCompare(y.name)),
    created_at: s.createdAt.toISOString(),
    updated_at: s.updatedAt.toISOString(),
  };
}
