/**
 * The pure rules of a team's weekly schedule. Working hours are wall-clock intervals `[starts, ends)` of one weekday
 * in the team's one time zone; "HH:MM" strings of the same width compare like the times they name.
 */

/** 0 = Sunday … 6 = Saturday, as `Date.getUTCDay()` and PostgreSQL's `extract(dow)` count. */
export const WEEKDAYS = [0, 1, 2, 3, 4, 5, 6] as const;

/**
 * Enough for split shifts; it also bounds a team's schedule (7 × 10 rows) below one page of a list, so
 * `GET /teams/{id}/working-hours` answers every row at once.
 */
export const MAX_INTERVALS_PER_WEEKDAY = 10;

/** "HH:MM" from 00:00 to 24:00; 24:00 only makes sense as an end ("until midnight"). */
export const LOCAL_TIME = /^(?:[01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$/;

export type LocalInterval = { weekday: number; startsAtLocal: string; endsAtLocal: string };

/** "HH:MM" of a stored `time` value ("HH:MM:SS"), or of an input that already is one. */
export function hhmm(time: string): string {
  return time.slice(0, 5);
}

/**
 * An interval must end after it starts. A shift across midnight (22:00 → 06:00) is two rows: 22:00 → 24:00 on its
 * weekday and 00:00 → 06:00 on the next one; refusing `ends <= starts` keeps every row inside one day, which is what
 * booking checks compare against.
 */
export function isForwardInterval(startsAtLocal: string, endsAtLocal: string): boolean {
  return hhmm(endsAtLocal) > hhmm(startsAtLocal);
}

/** Two half-open intervals of the same weekday share a minute; back-to-back (12:00 → 14:00, 14:00 → 16:00) do not. */
export function intervalsOverlap(a: LocalInterval, b: LocalInterval): boolean {
  return a.weekday === b.weekday && hhmm(a.startsAtLocal) < hhmm(b.endsAtLocal) && hhmm(b.startsAtLocal) < hhmm(a.endsAtLocal);
}

/** The first existing interval the candidate overlaps, if any. */
export function findOverlap<T extends LocalInterval>(existing: readonly T[], candidate: LocalInterval): T | undefined {
  return existing.find((row) => intervalsOverlap(row, candidate));
}

/**
 * ICU's identity of a time zone (aliases and case folded: "asia/kolkata" and "Asia/Calcutta" are one zone), or
 * undefined when `name` is not an IANA zone name. Only names are accepted: Intl also takes offsets such as "+02:00",
 * which do not follow daylight saving time. The identity is for comparing; the name is stored as the client spelled
 * it, because ICU's identity is sometimes an old alias ("Asia/Calcutta") that clients would not recognise.
 */
export function timeZoneIdentity(name: string): string | undefined {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/.test(name)) return undefined;
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** Whether two zone names name the same zone (both assumed valid). */
export function sameTimeZone(a: string, b: string): boolean {
  return a === b || (timeZoneIdentity(a) ?? a) === (timeZoneIdentity(b) ?? b);
}

/** A blackout (or any instant range) must end after it starts. */
export function isForwardRange(startsAt: Date, endsAt: Date): boolean {
  return endsAt.getTime() > startsAt.getTime();
}
