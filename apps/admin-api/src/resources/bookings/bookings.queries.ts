import { randomUUID } from "node:crypto";
import { entities, isoUtc, keysetAfterSql, sqlRows, type AddonTerms, type IBooking, type ITeam } from "@cleanops/db";
import { notFound } from "@cleanops/http";
import type { BusyBooking, Interval, WeeklyWindow } from "@cleanops/scheduling";
import { LockMode } from "@mikro-orm/core";
import type { EntityManager } from "@mikro-orm/postgresql";
import { endOf, HOLDS_TEAM_TIME, type BookingStatus } from "./bookings.rules.ts";
import { MAX_DURATION_MINUTES, type ListBookingsInput } from "./bookings.schemas.ts";
import type { BookingRecord } from "./bookings.view.ts";

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

type BookingRow = {
  id: string;
  client_id: string;
  team_id: string | null;
  status: BookingStatus;
  starts_at: string;
  duration_minutes: number;
  address: string;
  price_cents: number;
  currency: string;
  notes: string | null;
  subscription_id: string | null;
  occurrence_date: string | null;
  created_at: string;
  updated_at: string;
};
type AddonRow = { id: string; booking_id: string; addon_id: string; name: string; quantity: number; unit_price_cents: number };

const BOOKING_COLUMNS = `b.id, b.client_id, b.team_id, b.status, ${isoUtc("b.starts_at")} AS starts_at, b.duration_minutes, b.address,
  b.price_cents, b.currency, b.notes, b.subscription_id, b.occurrence_date::text AS occurrence_date, ${isoUtc("b.created_at")} AS created_at,
  ${isoUtc("b.updated_at")} AS updated_at`;

/** The add-ons of these bookings in one query, joined to their definitions inside the org. */
async function withAddons(em: EntityManager, orgId: string, rows: readonly BookingRow[]): Promise<BookingRecord[]> {
  const addons =
    rows.length === 0
      ? []
      : await sqlRows<AddonRow>(
          em,
          `SELECT oa.id, oa.booking_id, oa.addon_id, a.name, oa.quantity, oa.unit_price_cents
             FROM order_addons oa JOIN addon_definitions a ON a.org_id = oa.org_id AND a.id = oa.addon_id
            WHERE oa.org_id = $1 AND oa.booking_id = ANY($2::uuid[])`,
          [orgId, rows.map((r) => r.id)],
        );
  const byBooking = new Map<string, BookingRecord["addons"]>();
  for (const a of addons) {
    const list = byBooking.get(a.booking_id) ?? [];
    list.push({ id: a.id, addonId: a.addon_id, name: a.name, quantity: a.quantity, unitPriceCents: a.unit_price_cents });
    byBooking.set(a.booking_id, list);
  }
  return rows.map((r) => ({ ...toRecord(r), addons: byBooking.get(r.id) ?? [] }));
}

function toRecord(r: BookingRow): Omit<BookingRecord, "addons"> {
  return {
    id: r.id,
    clientId: r.client_id,
    teamId: r.team_id,
    status: r.status,
    startsAt: new Date(r.starts_at),
    durationMinutes: r.duration_minutes,
    address: r.address,
    priceCents: r.price_cents,
    currency: r.currency,
    notes: r.notes,
    subscriptionId: r.subscription_id,
    occurrenceDate: r.occurrence_date,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}

/**
 * GET /bookings/{id}: plain SQL in the request's read transaction (two statements, no entities): the hottest read of
 * admin-api, where building and hydrating entities cost several times the query (`pnpm bench`, docs/benchmarks.md).
 */
export async function readBooking(em: EntityManager, orgId: string, id: string): Promise<BookingRecord> {
  const rows = await sqlRows<BookingRow>(em, `SELECT ${BOOKING_COLUMNS} FROM bookings b WHERE b.org_id = $1 AND b.id = $2`, [orgId, id]);
  const [booking] = await withAddons(em, orgId, rows);
  if (!booking) throw notFound("No such booking.");
  return booking;
}

/**
 * GET /bookings: newest first (created_at, id), keyset-paged, every filter a predicate the indexes led by org_id serve
 * (0049's (org_id, status, created_at, id) for the status lists); plain SQL like `readBooking`.
 */
export async function listBookings(em: EntityManager, orgId: string, q: ListBookingsInput): Promise<BookingRecord[]> {
  const params: unknown[] = [orgId];
  const p = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const where = ["b.org_id = $1"];
  if (q.cursor) where.push(keysetAfterSql("bookings", "b", orgId, q.cursor, p));
  if (q.status) where.push(`b.status = ${p(q.status)}`);
  if (q.team_id) where.push(`b.team_id = ${p(q.team_id)}`);
  if (q.client_id) where.push(`b.client_id = ${p(q.client_id)}`);
  if (q.unassigned) where.push(`b.team_id IS NULL`);
  if (q.from) where.push(`b.starts_at >= ${p(q.from)}`);
  if (q.to) where.push(`b.starts_at < ${p(q.to)}`);
  const rows = await sqlRows<BookingRow>(
    em,
    `SELECT ${BOOKING_COLUMNS} FROM bookings b WHERE ${where.join(" AND ")} ORDER BY b.created_at DESC, b.id DESC LIMIT ${p(q.limit + 1)}`,
    params,
  );
  return withAddons(em, orgId, rows);
}

/** What a new booking takes from its client: 404 for a client not of the org (or none at all). */
export async function clientForBooking(tx: EntityManager, orgId: string, clientId: string) {
  const [client] = await sqlRows<{ address: string | null; archived: boolean }>(
    tx,
    `SELECT c.address, c.archived_at IS NOT NULL AS archived FROM client_users c WHERE c.org_id = $1 AND c.id = $2`,
    [orgId, clientId],
  );
  if (!client) throw notFound("No such client.");
  return client;
}

/** The org's add-on definitions of these ids, as sold today (missing ones are simply absent). */
export async function addonTerms(tx: EntityManager, orgId: string, ids: readonly string[]): Promise<AddonTerms[]> {
  return sqlRows<AddonTerms>(
    tx,
    `SELECT a.id, a.name, a.active, a.currency, a.price_cents AS "priceCents", a.duration_minutes AS "durationMinutes"
       FROM addon_definitions a WHERE a.org_id = $1 AND a.id = ANY($2::uuid[])`,
    [orgId, ids],
  );
}

/** A new booking's own fields, as its record names them, and the request's clock reading. */
export type NewBooking = Pick<
  BookingRecord,
  "clientId" | "startsAt" | "durationMinutes" | "address" | "priceCents" | "currency" | "notes"
> & {
  now: Date;
};

/**
 * Inserts a booking (status requested) by plain SQL and returns its record (its add-ons are `completeNewBooking`'s): the hottest write of
 * admin-api, where building, flushing and hydrating entities cost several times the statements (`pnpm bench`).
 * The composite foreign key (org_id, client_id) and row-level security refuse a client or org that is not this one.
 */
export async function insertBooking(tx: EntityManager, orgId: string, b: NewBooking): Promise<Omit<BookingRecord, "addons">> {
  const id = randomUUID();
  const rows = await sqlRows<BookingRow>(
    tx,
    `INSERT INTO bookings AS b (id, org_id, client_id, status, starts_at, duration_minutes, address, price_cents, currency, notes,
                                created_at, updated_at)
     VALUES ($1, $2, $3, 'requested', $4, $5, $6, $7, $8, $9, $10, $10)
     RETURNING ${BOOKING_COLUMNS}`,
    [id, orgId, b.clientId, b.startsAt, b.durationMinutes, b.address, b.priceCents, b.currency, b.notes, b.now],
  );
  const [row] = rows;
  if (!row) throw new Error("insertBooking: the insert returned no row");
  return toRecord(row);
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
