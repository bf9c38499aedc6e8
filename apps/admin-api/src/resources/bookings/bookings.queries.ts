import { entities, keysetAfter, NEWEST_FIRST, type IBooking, type ITeam } from "@cleanops/db";
import { notFound } from "@cleanops/http";
import type { BusyBooking, Interval, WeeklyWindow } from "@cleanops/scheduling";
import { LockMode } from "@mikro-orm/core";
import type { EntityManager, FilterQuery } from "@mikro-orm/postgresql";
import { endOf, HOLDS_TEAM_TIME } from "./bookings.rules.ts";
import { MAX_DURATION_MINUTES, type ListBookingsInput } from "./bookings.schemas.ts";

const { Booking, Team, TeamBlackout, TeamWorkingHours } = entities;

const WITH_ADDONS = ["addons", "addons.addon"] as const;

/** A booking of the org with its add-ons, or 404; `lock` takes its row lock (inside a transaction). */
export async function findBooking(em: EntityManager, id: string, options: { lock?: boolean } = {}): Promise<IBooking> {
  if (!options.lock) {
    const booking = await em.findOne(Booking, { id }, { populate: WITH_ADDONS });
    if (!booking) throw notFound("No such booking.");
    return booking;
  }
  // FOR UPDATE cannot lock the outer-joined side of a populate: lock the row alone, then load its add-ons.
  const booking = await em.findOne(Booking, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!booking) throw notFound("No such booking.");
  await em.populate(booking, WITH_ADDONS);
  return booking;
}

/**
 * A team of the org, or 404. With `lock`, its row is locked for the rest of the transaction: every change to a
 * team's schedule (assign, reschedule) takes this lock first, so two dispatchers filling one slot are serialized and
 * the second sees the first's job.
 */
export async function findTeam(em: EntityManager, id: string, options: { lock?: boolean } = {}): Promise<ITeam> {
  const team = await em.findOne(Team, { id }, options.lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {});
  if (!team) throw notFound("No such team.");
  return team;
}

export async function listBookings(em: EntityManager, orgId: string, q: ListBookingsInput): Promise<IBooking[]> {
  const where: FilterQuery<IBooking>[] = [keysetAfter<IBooking>("bookings", orgId, q.cursor)];
  if (q.status) where.push({ status: q.status });
  if (q.team_id) where.push({ team: q.team_id });
  if (q.client_id) where.push({ client: q.client_id });
  if (q.unassigned) where.push({ team: null });
  if (q.from) where.push({ startsAt: { $gte: q.from } });
  if (q.to) where.push({ startsAt: { $lt: q.to } });
  return em.find(Booking, { $and: where }, { orderBy: NEWEST_FIRST, limit: q.limit + 1, populate: WITH_ADDONS });
}

/** The team's time zone: the one its working hours are written in (UTC for a team without hours). */
export async function teamTimezone(em: EntityManager, teamId: string): Promise<{ timezone: string; windows: WeeklyWindow[] }> {
  const rows = await em.find(TeamWorkingHours, { team: teamId }, { orderBy: { weekday: "asc", startsAtLocal: "asc" } });
  return {
    timezone: rows[0]?.timezone ?? "UTC",
    windows: rows.map((r) => ({ weekday: r.weekday, startsAtLocal: r.startsAtLocal, endsAtLocal: r.endsAtLocal })),
  };
}

/** The team's jobs that hold time and could overlap `span` (a job lasts at most a day), cancelled ones excluded. */
export async function teamBookingsAround(em: EntityManager, teamId: string, span: Interval, exceptId?: string): Promise<IBooking[]> {
  const earliest = new Date(span.start.getTime() - MAX_DURATION_MINUTES * 60_000);
  return em.find(
    Booking,
    {
      team: teamId,
      status: { $in: [...HOLDS_TEAM_TIME] },
      startsAt: { $gte: earliest, $lt: span.end },
      ...(exceptId ? { id: { $ne: exceptId } } : {}),
    },
    { orderBy: { startsAt: "asc", id: "asc" } },
  );
}

/** Everything the conflict rules need to judge `job` for one team. */
export async function teamAvailability(em: EntityManager, teamId: string, job: Interval, exceptBookingId?: string) {
  const { timezone, windows } = await teamTimezone(em, teamId);
  const blackouts = await em.find(TeamBlackout, { team: teamId, startsAt: { $lt: job.end }, endsAt: { $gt: job.start } });
  const bookings: BusyBooking[] = (await teamBookingsAround(em, teamId, job, exceptBookingId))
    .map((b) => ({ id: b.id, start: b.startsAt, end: endOf(b.startsAt, b.durationMinutes) }))
    .filter((b) => b.end > job.start);
  return {
    timezone,
    windows,
    blackouts: blackouts.map((b) => ({ id: b.id, reason: b.reason ?? null, start: b.startsAt, end: b.endsAt })),
    bookings,
  };
}

/** A team's jobs that overlap a local day (cancelled ones excluded), earliest first, with their add-ons. */
export async function teamDay(em: EntityManager, teamId: string, day: Interval): Promise<IBooking[]> {
  const rows = await teamBookingsAround(em, teamId, day);
  const overlapping = rows.filter((b) => endOf(b.startsAt, b.durationMinutes) > day.start);
  await em.populate(overlapping, WITH_ADDONS);
  return overlapping;
}
