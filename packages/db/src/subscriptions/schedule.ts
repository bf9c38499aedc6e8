/** How often a plan books a job. */
export type Frequency = "weekly" | "biweekly" | "monthly";

const DAY_MS = 86_400_000;

const daysInMonth = (year: number, month: number): number => new Date(Date.UTC(year, month + 1, 0)).getUTCDate();

/**
 * The occurrence after `at` (times are UTC). Weekly and biweekly add 7 or 14 days; monthly moves to the next month on
 * the plan's anchor day, or that month's last day when it is shorter (31 → Feb 28/29 → Mar 31), keeping the time of day.
 */
export function nextOccurrence(frequency: Frequency, at: Date, anchorDay: number): Date {
  if (frequency === "weekly") return new Date(at.getTime() + 7 * DAY_MS);
  if (frequency === "biweekly") return new Date(at.getTime() + 14 * DAY_MS);
  const year = at.getUTCFullYear();
  const month = at.getUTCMonth() + 1;
  const day = Math.min(anchorDay, daysInMonth(year, month));
  return new Date(Date.UTC(year, month, day, at.getUTCHours(), at.getUTCMinutes(), at.getUTCSeconds(), at.getUTCMilliseconds()));
}

/** The calendar date (UTC) of an occurrence, `YYYY-MM-DD`: the unique key of its booking. */
export const occurrenceDate = (at: Date): string => at.toISOString().slice(0, 10);

/** The first instant after the UTC day `YYYY-MM-DD`: everything before it is due on a run for that date. */
export function endOfUtcDay(date: string): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const start = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : new Date(Number.NaN);
  if (Number.isNaN(start.getTime()) || occurrenceDate(start) !== date) throw new RangeError(`Not a calendar date: ${date}`);
  return new Date(start.getTime() + DAY_MS);
}
