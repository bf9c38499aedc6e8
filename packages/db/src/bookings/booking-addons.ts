import type { EntityManager } from "@mikro-orm/postgresql";
import { AddonDefinition, type IAddonDefinition } from "../entities/addons/addon-definition.ts";
import { OrderAddon } from "../entities/addons/order-addon.ts";
import { Booking } from "../entities/bookings/booking.ts";
import { OrganizationUsageEvent } from "../entities/platform/organization-usage-event.ts";

/** An add-on chosen for a booking, with how many. */
export type AddonChoice = { addon: IAddonDefinition; quantity: number };

/**
 * Why `addon` cannot go on a booking priced in `currency`, or undefined. The rule every booking follows, made by
 * hand (createBooking refuses) or by a subscription's due-run (which leaves such an add-on out).
 */
export function addonRefusal(addon: IAddonDefinition, currency: string): string | undefined {
  if (!addon.active) return `The add-on "${addon.name}" is inactive.`;
  if (addon.currency !== currency) return `The add-on "${addon.name}" is sold in ${addon.currency}, the booking is in ${currency}.`;
  return undefined;
}

/** The minutes the add-ons add to the job. */
export const addedMinutes = (choices: readonly AddonChoice[]): number =>
  choices.reduce((sum, c) => sum + c.addon.durationMinutes * c.quantity, 0);

/**
 * What follows every new booking, in its transaction: its add-ons with today's prices copied (a later price change
 * leaves the booking alone) and one `booking_created` on the org's usage meter. `bookingId` may name a row inserted
 * by raw SQL in the same transaction (the due-run's `ON CONFLICT DO NOTHING` insert).
 */
export function completeNewBooking(tx: EntityManager, orgId: string, bookingId: string, choices: readonly AddonChoice[], now: Date): void {
  const booking = tx.getReference(Booking, bookingId, { wrapped: true });
  for (const c of choices) {
    tx.create(OrderAddon, {
      booking,
      addon: tx.getReference(AddonDefinition, c.addon.id, { wrapped: true }),
      quantity: c.quantity,
      unitPriceCents: c.addon.priceCents,
      createdAt: now,
    });
  }
  tx.create(OrganizationUsageEvent, { organization: orgId, kind: "booking_created", quantity: 1, occurredAt: now });
}
