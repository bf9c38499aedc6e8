import { entities, isoUtc, sqlRows, type IBooking, type IChecklistRun } from "@cleanops/db";
import { notFound } from "@cleanops/http";
import { localDayBounds, toLocal } from "@cleanops/scheduling";
import { LockMode } from "@mikro-orm/core";
import type { EntityManager } from "@mikro-orm/postgresql";
import type { WorkerPrincipal } from "../../auth/worker-access.ts";

const { Booking, ChecklistRun, TeamWorkingHours } = entities;

/** At most this many jobs are listed: a team's today-and-upcoming, never a history. */
export const MAX_JOBS = 100;

/** The team's time zone: its working hours' zone (they share one), else UTC. */
export async function teamTimeZone(em: EntityManager, teamId: string): Promise<string> {
  const hours = await em.findOne(TeamWorkingHours, { team: teamId }, { orderBy: { weekday: "asc" }, fields: ["timezone"] });
  return hours?.timezone ?? "UTC";
}

/** Midnight of `now`'s day in `timeZone`: "today" starts there for the team, wherever the server runs. */
export function startOfLocalDay(now: Date, timeZone: string): Date {
  const l = toLocal(now, timeZone);
  return localDayBounds({ year: l.year, month: l.month, day: l.day }, timeZone).start;
}

/**
 * What a worker may see: their team's jobs that are not cancelled and start today or later (team time), plus one
 * still in progress from an earlier day (so it can be finished). Nothing when the worker has no team.
 */
async function visibleJobsFilter(em: EntityManager, worker: WorkerPrincipal, now: Date) {
  if (!worker.teamId) return null;
  const since = startOfLocalDay(now, await teamTimeZone(em, worker.teamId));
  return {
    team: worker.teamId,
    status: { $ne: "cancelled" as const },
    $or: [{ startsAt: { $gte: since } }, { status: "in_progress" as const }],
  };
}

/** A job as the list shows it (jobs.view.ts's summary). */
export type JobSummaryRecord = {
  id: string;
  status: IBooking["status"];
  startsAt: Date;
  durationMinutes: number;
  address: string;
  clientName: string;
};

/**
 * The worker's visible jobs (`visibleJobsFilter`'s rule), earliest first, with the client's name: plain SQL in the
 * request's read transaction, the phone's most frequent request (`pnpm bench`, docs/benchmarks.md).
 */
export async function listJobs(em: EntityManager, orgId: string, worker: WorkerPrincipal, now: Date): Promise<JobSummaryRecord[]> {
  if (!worker.teamId) return [];
  const [hours] = await sqlRows<{ timezone: string }>(
    em,
    `SELECT h.timezone FROM team_working_hours h WHERE h.org_id = $1 AND h.team_id = $2 ORDER BY h.weekday ASC LIMIT 1`,
    [orgId, worker.teamId],
  );
  const since = startOfLocalDay(now, hours?.timezone ?? "UTC");
  const rows = await sqlRows<{
    id: string;
    status: IBooking["status"];
    starts_at: string;
    duration_minutes: number;
    address: string;
    client_name: string;
  }>(
    em,
    `SELECT b.id, b.status, ${isoUtc("b.starts_at")} AS starts_at, b.duration_minutes, b.address, c.name AS client_name
       FROM bookings b JOIN client_users c ON c.org_id = b.org_id AND c.id = b.client_id
      WHERE b.org_id = $1 AND b.team_id = $2 AND b.status <> 'cancelled' AND (b.starts_at >= $3 OR b.status = 'in_progress')
      ORDER BY b.starts_at ASC, b.id ASC LIMIT ${MAX_JOBS}`,
    [orgId, worker.teamId, since],
  );
  return rows.map((r) => ({
    id: r.id,
    status: r.status,
    startsAt: new Date(r.starts_at),
    durationMinutes: r.duration_minutes,
    address: r.address,
    clientName: r.client_name,
  }));
}

/** One of the worker's jobs, or 404 exactly like a missing id (another team's or org's job included). */
export async function findJob(
  em: EntityManager,
  worker: WorkerPrincipal,
  id: string,
  now: Date,
  options: { lock?: boolean } = {},
): Promise<IBooking> {
  const where = await visibleJobsFilter(em, worker, now);
  const job = where ? await em.findOne(Booking, { ...where, id }, options.lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {}) : null;
  if (!job) throw notFound("No such job.");
  await em.populate(job, ["client", "addons", "addons.addon"]);
  return job;
}

/** The job's checklist run (the latest, if admin-api attached more than one), with its template's items. */
export async function findRun(em: EntityManager, bookingId: string): Promise<IChecklistRun | null> {
  const run = await em.findOne(ChecklistRun, { booking: bookingId }, { orderBy: { createdAt: "desc", id: "desc" } });
  if (run) await em.populate(run, ["template", "template.items", "items"]);
  return run;
}
