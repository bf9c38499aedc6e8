import { randomUUID } from "node:crypto";
import type { EntityManager } from "@mikro-orm/postgresql";
import { sqlRows } from "../tenancy/sql-rows.ts";

/** What a booking needs to know of an add-on definition to put it on a booking: its terms as sold today. */
export type AddonTerms = {
  id: string;
  name: string;
  active: boolean;
  currency: string;
  priceCents: number;
  durationMinutes: number;
};

/** An add-on chosen for a booking, with how many. */
export type AddonChoice = { addon: AddonTerms; quantity: number };

/** An add-on as written on a new booking (its order_addons row, with the definition's name). */
export type NewBookingAddon = { id: string; addonId: string; name: string; quantity: number; unitPriceCents: number };

/**
 * Why `addon` cannot go on a booking priced in `currency`, or undefined. The rule every booking follows, made by
 * hand (createBooking refuses) or by a subscription's due-run (which leaves such an add-on out).
 */
export function addonRefusal(addon: AddonTerms, currency: string): string | undefined {
  if (!addon.active) return `The add-on "${addon.name}" is inactive.`;
  if (addon.currency !== currency) return `The add-on "${addon.name}" is sold in ${addon.currency}, the booking is in ${currency}.`;
  return undefined;
}

/** The minutes the add-ons add to the job. */
export const addedMinutes = (choices: readonly AddonChoice[]): number =>
  choices.reduce((sum, c) => sum + c.addon.durationMinutes * c.quantity, 0);

/**
 * What follows every new booking, in its transaction: its add-ons with today's prices copied (a later price change
 * leaves the booking alone) and one `booking_created` on the org's usage meter, written at once in one statement
 * (plain SQL: the booking itself is inserted by SQL, by createBooking and by the due-run's `ON CONFLICT DO NOTHING`).
 * Runs only inside the org's transaction (`sqlRows` refuses otherwise); row-level security checks every row's org.
 */
export async function completeNewBooking(
  tx: EntityManager,
  orgId: string,
  bookingId: string,
  choices: readonly AddonChoice[],
  now: Date,
): Promise<NewBookingAddon[]> {
  const added = choices.map((c) => ({
    id: randomUUID(),
    addonId: c.addon.id,
    name: c.addon.name,
    quantity: c.quantity,
    unitPriceCents: c.addon.priceCents,
  }));
  const usage = `INSERT INTO organization_usage_events (org_id, kind, quantity, occurred_at) VALUES ($1, 'booking_created', 1, $2)`;
  if (added.length === 0) {
    await sqlRows(tx, usage, [orgId, now]);
    return added;
  }
  await sqlRows(
    tx,
    `WITH addons AS (
       INSERT INTO order_addons (id, org_id, booking_id, addon_id, quantity, unit_price_cents, created_at)
       SELECT x.id, $1, $3, x.addon_id, x.quantity, x.unit_price_cents, $2
         FROM unnest($4::uuid[], $5::uuid[], $6::int[], $7::int[]) AS x(id, addon_id, quantity, unit_price_cents)
     )
     ${usage}`,
    [
      orgId,
      now,
      bookingId,
      added.map((a) => a.id),
      added.map((a) => a.addonId),
      added.map((a) => a.quantity),
      added.map((a) => a.unitPriceCents),
    ],
  );
  return added;
}
