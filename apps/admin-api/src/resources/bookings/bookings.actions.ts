import { addedMinutes, addonRefusal, completeNewBooking, entities, type AddonChoice, type IBooking } from "@cleanops/db";
import { notFound, validationFailed } from "@cleanops/http";
import { findConflict, localDayBounds, parseDate } from "@cleanops/scheduling";
import type { EntityManager } from "@mikro-orm/postgresql";
import type { AdminContext } from "../../kernel/context.ts";
import { bookingErrors } from "./bookings.errors.ts";
import {
  addonTerms,
  clientForBooking,
  findBooking,
  findTeam,
  insertBooking,
  teamAvailability,
  teamDay,
  teamTimezone,
} from "./bookings.queries.ts";
import { describeConflict, endOf, isReschedulable, transitionRefusal, type BookingStatus } from "./bookings.rules.ts";
import type { CreateBookingInput, RescheduleInput } from "./bookings.schemas.ts";
import { bookingView, type BookingRecord } from "./bookings.view.ts";

/**
 * A booking for a client, with add-ons priced and timed as they are today: each add-on's price is copied to the
 * booking (a later price change leaves it alone) and its duration is added to the job. The org's usage meter counts
 * the booking in the same transaction. Plain SQL throughout (the hottest write; see `insertBooking`).
 */
export async function createBooking(ctx: AdminContext, input: CreateBookingInput): Promise<BookingRecord> {
  return ctx.mutate(async (tx, audit) => {
    const client = await clientForBooking(tx, ctx.orgId, input.client_id);
    if (client.archived) throw bookingErrors.client_archived();
    const address = input.address ?? client.address;
    if (!address) {
      throw validationFailed("Invalid address.", {
        details: { issues: [{ in: "body", path: ["address"], code: "required", message: "the client has no address on file: give one" }] },
      });
    }
    const wanted = input.addons ?? [];
    const addons =
      wanted.length > 0
        ? await addonTerms(
            tx,
            ctx.orgId,
            wanted.map((a) => a.addon_id),
          )
        : [];
    const byId = new Map(addons.map((a) => [a.id, a]));
    const choices: AddonChoice[] = [];
    for (const w of wanted) {
      const addon = byId.get(w.addon_id);
      if (!addon) throw notFound("No such add-on.", { details: { addon_id: w.addon_id } });
      const refusal = addonRefusal(addon, input.currency);
      if (refusal) throw bookingErrors.addon_unavailable(refusal, { details: { addon_id: addon.id } });
      choices.push({ addon, quantity: w.quantity });
    }
    const booking = await insertBooking(tx, ctx.orgId, {
      clientId: input.client_id,
      startsAt: input.starts_at,
      durationMinutes: input.duration_minutes + addedMinutes(choices),
      address,
      priceCents: input.price_cents,
      currency: input.currency,
      notes: input.notes ?? null,
      now: ctx.now,
    });
    const record: BookingRecord = { ...booking, addons: await completeNewBooking(tx, ctx.orgId, booking.id, choices, ctx.now) };
    audit.created("booking", record.id, bookingView(record));
    return record;
  });
}

/** Refuses with 409 `booking_conflict` (and the reason) when `teamId` cannot take `booking` at its time. */
async function assertTeamCanTake(
  tx: EntityManager,
  teamId: string,
  booking: IBooking,
  startsAt: Date,
  durationMinutes: number,
): Promise<void> {
  const job = { start: startsAt, end: endOf(startsAt, durationMinutes) };
  const conflict = findConflict(job, await teamAvailability(tx, teamId, job, booking.id));
  if (conflict) {
    const { message, details } = describeConflict(conflict);
    throw bookingErrors.booking_conflict(message, { details });
  }
}

/**
 * Dispatches a booking to a team. The team's row lock serializes every schedule change of that team, so of two
 * dispatchers assigning overlapping jobs to it at once exactly one succeeds and the other gets the conflict.
 */
export async function assignTeam(ctx: AdminContext, id: string, teamId: string): Promise<IBooking> {
  return ctx.mutate(async (tx, audit) => {
    const booking = await findBooking(tx, id, { lock: true });
    const team = await findTeam(tx, teamId, { lock: true });
    if (!team.active) throw bookingErrors.team_inactive();
    if (!isReschedulable(booking.status)) {
      throw bookingErrors.invalid_transition(`A ${booking.status} booking cannot be dispatched.`, { details: { status: booking.status } });
    }
    if (booking.team?.id === team.id) return booking;
    await assertTeamCanTake(tx, team.id, booking, booking.startsAt, booking.durationMinutes);
    const before = bookingView(booking);
    booking.team = tx.getReference(entities.Team, team.id, { wrapped: true });
    booking.updatedAt = ctx.now;
    audit.updated("booking", booking.id, before, bookingView(booking), "booking.assigned");
    return booking;
  });
}

export async function unassignTeam(ctx: AdminContext, id: string): Promise<IBooking> {
  return ctx.mutate(async (tx, audit) => {
    const booking = await findBooking(tx, id, { lock: true });
    if (!booking.team) return booking;
    if (!isReschedulable(booking.status)) {
      throw bookingErrors.invalid_transition(`A ${booking.status} booking keeps its team.`, { details: { status: booking.status } });
    }
    const before = bookingView(booking);
    booking.team = null;
    booking.updatedAt = ctx.now;
    audit.updated("booking", booking.id, before, bookingView(booking), "booking.unassigned");
    return booking;
  });
}

export async function changeStatus(ctx: AdminContext, id: string, status: BookingStatus): Promise<IBooking> {
  return ctx.mutate(async (tx, audit) => {
    const booking = await findBooking(tx, id, { lock: true });
    const refusal = transitionRefusal(booking.status, status, booking.team !== null && booking.team !== undefined);
    if (refusal) throw bookingErrors.invalid_transition(refusal, { details: { from: booking.status, to: status } });
    const before = bookingView(booking);
    booking.status = status;
    booking.updatedAt = ctx.now;
    audit.updated("booking", booking.id, before, bookingView(booking), `booking.${status}`);
    return booking;
  });
}

/** A new time (and length) for a booking; a dispatched one is re-checked against its team's schedule. */
export async function reschedule(ctx: AdminContext, id: string, input: RescheduleInput): Promise<IBooking> {
  return ctx.mutate(async (tx, audit) => {
    const booking = await findBooking(tx, id, { lock: true });
    if (!isReschedulable(booking.status)) {
      throw bookingErrors.invalid_transition(`A ${booking.status} booking cannot be rescheduled.`, { details: { status: booking.status } });
    }
    const duration = input.duration_minutes ?? booking.durationMinutes;
    if (booking.team) {
      await findTeam(tx, booking.team.id, { lock: true });
      await assertTeamCanTake(tx, booking.team.id, booking, input.starts_at, duration);
    }
    const before = bookingView(booking);
    booking.startsAt = input.starts_at;
    booking.durationMinutes = duration;
    booking.updatedAt = ctx.now;
    audit.updated("booking", booking.id, before, bookingView(booking), "booking.rescheduled");
    return booking;
  });
}

/** A team's jobs on one local day of its time zone (a 23- or 25-hour day when the clocks change). */
export async function teamSchedule(ctx: AdminContext, teamId: string, date: string) {
  const team = await findTeam(ctx.em, teamId);
  const day = parseDate(date);
  if (!day) {
    throw validationFailed("Invalid query.date.", {
      details: { issues: [{ in: "query", path: ["date"], code: "invalid_date", message: "not a calendar date" }] },
    });
  }
  const { timezone } = await teamTimezone(ctx.em, team.id);
  const bounds = localDayBounds(day, timezone);
  const items = await teamDay(ctx.em, team.id, bounds);
  return {
    team_id: team.id,
    date,
    timezone,
    starts_at: bounds.start.toISOString(),
    ends_at: bounds.end.toISOString(),
    items: items.map(bookingView),
  };
}
