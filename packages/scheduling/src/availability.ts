import { addDays, fromLocal, parseLocalTime, toLocal } from "./zoned-time.ts";

export type Interval = { start: Date; end: Date };

/** A weekly window of a team: weekday 0 = Sunday, local times as PostgreSQL `time` strings ("09:00:00", "24:00:00"). */
export type WeeklyWindow = { weekday: number; startsAtLocal: string; endsAtLocal: string };

export type BusyBooking = { id: string; start: Date; end: Date };

export type Conflict =
  | { reason: "blackout"; blackout: Interval & { id: string; reason: string | null } }
  | { reason: "outside_working_hours"; timezone: string }
  | { reason: "overlapping_booking"; booking: BusyBooking };

export const overlaps = (a: Interval, b: Interval): boolean => a.start < b.end && b.start < a.end;

/**
 * The team's availability around `job` as instants: each weekly window placed on every local date the job could
 * touch (a day either side, for zones far from UTC), converted with the zone's offset on that date, merged where
 * windows touch (22:00–24:00 then 00:00–06:00 is one night shift).
 */
export function availableIntervals(job: Interval, windows: readonly WeeklyWindow[], timeZone: string): Interval[] {
  const first = toLocal(job.start, timeZone);
  const last = toLocal(job.end, timeZone);
  const out: Interval[] = [];
  const from = { year: first.year, month: first.month, day: first.day };
  const dayCount = Math.round((Date.UTC(last.year, last.month - 1, last.day) - Date.UTC(from.year, from.month - 1, from.day)) / 86_400_000);
  for (let i = -1; i <= dayCount + 1; i++) {
    const date = addDays(from, i);
    for (const w of windows) {
      if (w.weekday !== date.weekday) continue;
      const start = fromLocal(date, parseLocalTime(w.startsAtLocal), timeZone);
      const end = fromLocal(date, parseLocalTime(w.endsAtLocal), timeZone);
      if (end > start) out.push({ start, end });
    }
  }
  out.sort((a, b) => a.start.getTime() - b.start.getTime());
  const merged: Interval[] = [];
  for (const i of out) {
    const prev = merged.at(-1);
    if (prev && i.start <= prev.end) {
      if (i.end > prev.end) prev.end = i.end;
    } else merged.push({ ...i });
  }
  return merged;
}

/** Whether one merged available interval holds the whole job. */
export function withinWorkingHours(job: Interval, windows: readonly WeeklyWindow[], timeZone: string): boolean {
  return availableIntervals(job, windows, timeZone).some((i) => i.start <= job.start && i.end >= job.end);
}

/**
 * Why a team cannot take `job`, or undefined when it can. Checked in the order an office would explain it: the
 * team is away (blackout), the job is outside its hours, the team is busy with another job. A team without any
 * working hours has no hours to be outside of.
 */
export function findConflict(
  job: Interval,
  team: {
    timezone: string;
    windows: readonly WeeklyWindow[];
    blackouts: readonly (Interval & { id: string; reason: string | null })[];
    bookings: readonly BusyBooking[];
  },
): Conflict | undefined {
  const blackout = team.blackouts.find((b) => overlaps(job, b));
  if (blackout) return { reason: "blackout", blackout };
  if (team.windows.length > 0 && !withinWorkingHours(job, team.windows, team.timezone)) {
    return { reason: "outside_working_hours", timezone: team.timezone };
  }
  const busy = team.bookings.find((b) => overlaps(job, b));
  if (busy) return { reason: "overlapping_booking", booking: busy };
  return undefined;
}
