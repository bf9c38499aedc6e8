/**
 * Wall-clock time in an IANA time zone, with nothing but Intl: a team's working hours are local times ("09:00 in
 * Europe/Berlin"), bookings are instants. Conversions go through the zone's offset at the instant in question, so
 * daylight-saving changes are honoured: a 09:00–17:00 day is 8 hours on either side of a change, 7 or 9 hours only
 * when the change falls inside it.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      weekday: "short",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether `timeZone` is a zone this runtime knows (IANA names such as `Europe/Berlin`, or `UTC`). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

export type LocalDateTime = { year: number; month: number; day: number; hour: number; minute: number; second: number; weekday: number };

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** The wall-clock reading of `instant` in `timeZone` (weekday 0 = Sunday). */
export function toLocal(instant: Date, timeZone: string): LocalDateTime {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(instant)) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: WEEKDAYS[parts.weekday ?? ""] ?? 0,
  };
}

/** Milliseconds the zone is ahead of UTC at `instant`. */
export function offsetMs(instant: Date, timeZone: string): number {
  const l = toLocal(instant, timeZone);
  const asUtc = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/**
 * The instant at which the wall clock of `timeZone` shows the given local date and time. A time skipped by a
 * spring-forward change resolves to the instant just after the gap; a repeated autumn hour to one of its two occurrences.
 * `seconds` may be 86400 (24:00, the end of the day).
 */
export function fromLocal(date: { year: number; month: number; day: number }, secondsOfDay: number, timeZone: string): Date {
  const naive = Date.UTC(date.year, date.month - 1, date.day) + secondsOfDay * 1000;
  // Two passes: the offset at the first guess can differ from the offset at the answer near a change.
  const first = naive - offsetMs(new Date(naive), timeZone);
  const second = naive - offsetMs(new Date(first), timeZone);
  if (second === first) return new Date(first);
  // Inside a gap neither guess reads back as the asked time: take the later one (after the gap).
  return new Date(Math.max(first, second));
}

/** "HH:MM" or "HH:MM:SS" (PostgreSQL `time`, 24:00 allowed) → seconds since midnight. */
export function parseLocalTime(value: string): number {
  const m = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/.exec(value);
  if (!m) throw new RangeError(`Not a local time: ${value}`);
  const seconds = Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3] ?? 0);
  if (seconds > 86_400 || Number(m[2]) > 59 || Number(m[3] ?? 0) > 59) throw new RangeError(`Not a local time: ${value}`);
  return seconds;
}

/** The calendar date `days` after `date` (proleptic Gregorian; no zone involved). */
export function addDays(
  date: { year: number; month: number; day: number },
  days: number,
): { year: number; month: number; day: number; weekday: number } {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), weekday: d.getUTCDay() };
}

/** `YYYY-MM-DD` → its parts, or undefined when it is not a real date. */
export function parseDate(value: string): { year: number; month: number; day: number } | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return undefined;
  return { year, month, day };
}

/** The instants a local calendar day of `timeZone` starts and ends (23, 24 or 25 hours apart). */
export function localDayBounds(date: { year: number; month: number; day: number }, timeZone: string): { start: Date; end: Date } {
  return { start: fromLocal(date, 0, timeZone), end: fromLocal(addDays(date, 1), 0, timeZone) };
}
