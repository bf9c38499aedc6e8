import { entities, type IBooking, type IChecklistRun } from "@cleanops/db";
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

export async function listJobs(em: EntityManager, worker: WorkerPrincipal, now: Date): Promise<IBooking[]> {
  const where = await visibleJobsFilter(em, worker, now);
  if (!where) return [];
  return em.find(Booking, where, { populate: ["client"], orderBy: { startsAt: "asc", id: "asc" }, limit: MAX_JOBS });
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
