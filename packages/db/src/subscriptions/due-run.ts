import type { EntityManager } from "@mikro-orm/postgresql";
import type { Audit } from "../audit/mutate.ts";
import { addedMinutes, addonRefusal, completeNewBooking, type AddonChoice } from "../bookings/booking-addons.ts";
import { Subscription, type ISubscription } from "../entities/subscriptions/subscription.ts";
import { endOfUtcDay, nextOccurrence, occurrenceDate } from "./schedule.ts";

/** Where a due-run writes: one org, its clock, and its write path (a request's `ctx` or the CLI's `mutate`). */
export type DueRunTarget = {
  orgId: string;
  now: Date;
  mutate<T>(work: (tx: EntityManager, audit: Audit) => Promise<T>): Promise<T>;
};

export type DueRunResult = {
  /** The date the run booked up to (inclusive, UTC). */
  date: string;
  /** Active plans that had an occurrence due. */
  due: number;
  /** Bookings this run created. */
  created: number;
  /** Occurrences another run had already booked (the unique key said so). */
  existing: number;
  /** Due plans left alone: their client is archived or has no address. */
  skipped: number;
};

/** A plan long overdue books at most this many occurrences per run, so one run stays bounded. */
export const MAX_OCCURRENCES_PER_RUN = 60;

type Inserted = { id: string }[];

/**
 * Books every occurrence of the org's active plans due on or before `date` (UTC) and moves each plan's
 * `next_booking_at` past it. Exactly once per (plan, date), however often and however concurrently it runs: each
 * booking is an `INSERT … ON CONFLICT (org_id, subscription_id, occurrence_date) DO NOTHING`, so of two runs racing on
 * one occurrence the second waits for the first's row and then inserts nothing; only a run whose insert returned a
 * row adds the add-ons, the usage event and the audit row. `next_booking_at` only moves forward (a guarded UPDATE), so
 * an older run finishing late cannot move a plan back.
 */
export async function runDueSubscriptions(target: DueRunTarget, date: string): Promise<DueRunResult> {
  const cutoff = endOfUtcDay(date);
  return target.mutate(async (tx, audit) => {
    const result: DueRunResult = { date, due: 0, created: 0, existing: 0, skipped: 0 };
    const plans = await tx.find(
      Subscription,
      { status: "active", nextBookingAt: { $lt: cutoff } },
      { populate: ["client", "addons", "addons.addon"], orderBy: { id: "asc" } },
    );
    for (const plan of plans) {
      result.due++;
      const client = plan.client.getEntity();
      if (client.archivedAt || !client.address) {
        result.skipped++;
        continue;
      }
      // An add-on no longer sold (inactive, or now priced in another currency) is left out rather than failing the plan.
      const choices: AddonChoice[] = plan.addons
        .getItems()
        .map((a) => ({ addon: a.addon.getEntity(), quantity: a.quantity }))
        .filter((c) => addonRefusal(c.addon, plan.currency) === undefined);
      const { created, existing, next } = await bookOccurrences(tx, audit, target, plan, client.address, choices, cutoff);
      result.created += created;
      result.existing += existing;
      const moved = await tx.execute<{ id: string }[]>(
        `UPDATE subscriptions SET next_booking_at = ?, updated_at = ? WHERE org_id = ? AND id = ? AND next_booking_at < ? RETURNING id`,
        [next, target.now, target.orgId, plan.id, next],
      );
      if (moved.length > 0) {
        audit.record({
          action: "subscription.advanced",
          entityType: "subscription",
          entityId: plan.id,
          changes: {
            before: { next_booking_at: plan.nextBookingAt?.toISOString() ?? null },
            after: { next_booking_at: next.toISOString() },
          },
        });
      }
    }
    return result;
  });
}

async function bookOccurrences(
  tx: EntityManager,
  audit: Audit,
  target: DueRunTarget,
  plan: ISubscription,
  address: string,
  choices: AddonChoice[],
  cutoff: Date,
): Promise<{ created: number; existing: number; next: Date }> {
  const anchorDay = plan.anchorDay ?? plan.nextBookingAt?.getUTCDate() ?? 1;
  const duration = plan.durationMinutes + addedMinutes(choices);
  let at = plan.nextBookingAt ?? cutoff;
  let created = 0;
  let existing = 0;
  for (let n = 0; at < cutoff && n < MAX_OCCURRENCES_PER_RUN; n++) {
    const day = occurrenceDate(at);
    // org_id is written explicitly (row-level security checks it against app.current_org as well).
    const rows = await tx.execute<Inserted>(
      `INSERT INTO bookings (org_id, client_id, status, starts_at, duration_minutes, address, price_cents, currency,
                             subscription_id, occurrence_date, created_at, updated_at)
       VALUES (?, ?, 'requested', ?, ?, ?, ?, ?, ?, ?::date, ?, ?)
       ON CONFLICT (org_id, subscription_id, occurrence_date) DO NOTHING
       RETURNING id`,
      [target.orgId, plan.client.id, at, duration, address, plan.priceCents, plan.currency, plan.id, day, target.now, target.now],
    );
    const id = rows[0]?.id;
    if (id) {
      await completeNewBooking(tx, target.orgId, id, choices, target.now);
      audit.record({
        action: "booking.created",
        entityType: "booking",
        entityId: id,
        changes: {
          after: { subscription_id: plan.id, occurrence_date: day, starts_at: at.toISOString(), duration_minutes: duration },
          by: "subscriptions.due-run",
        },
      });
      created++;
    } else {
      existing++;
    }
    at = nextOccurrence(plan.frequency, at, anchorDay);
  }
  return { created, existing, next: at };
}
