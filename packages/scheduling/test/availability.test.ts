import { describe, expect, it } from "vitest";
import {
  availableIntervals,
  findConflict,
  fromLocal,
  localDayBounds,
  parseDate,
  parseLocalTime,
  toLocal,
  withinWorkingHours,
  type WeeklyWindow,
} from "../src/index.ts";

const at = (iso: string) => new Date(iso);
const job = (start: string, minutes: number) => ({ start: at(start), end: new Date(at(start).getTime() + minutes * 60_000) });
const weekdays = (from: string, to: string): WeeklyWindow[] =>
  [1, 2, 3, 4, 5].map((weekday) => ({ weekday, startsAtLocal: from, endsAtLocal: to }));

describe("zoned time", () => {
  it("converts local wall time to instants across both daylight-saving changes (Europe/Berlin 2026)", () => {
    expect(fromLocal({ year: 2026, month: 3, day: 28 }, parseLocalTime("09:00"), "Europe/Berlin").toISOString()).toBe(
      "2026-03-28T08:00:00.000Z",
    );
    expect(fromLocal({ year: 2026, month: 3, day: 30 }, parseLocalTime("09:00"), "Europe/Berlin").toISOString()).toBe(
      "2026-03-30T07:00:00.000Z",
    );
    // 02:30 does not exist on 29 March: the instant after the gap (03:30 CEST).
    expect(fromLocal({ year: 2026, month: 3, day: 29 }, parseLocalTime("02:30"), "Europe/Berlin").toISOString()).toBe(
      "2026-03-29T01:30:00.000Z",
    );
    expect(fromLocal({ year: 2026, month: 10, day: 26 }, parseLocalTime("09:00"), "Europe/Berlin").toISOString()).toBe(
      "2026-10-26T08:00:00.000Z",
    );
    expect(toLocal(at("2026-10-25T23:30:00Z"), "America/New_York")).toMatchObject({ day: 25, hour: 19, weekday: 0 });
  });

  it("has 23- and 25-hour days and reads 24:00 as the end of the day", () => {
    const spring = localDayBounds({ year: 2026, month: 3, day: 29 }, "Europe/Berlin");
    expect((spring.end.getTime() - spring.start.getTime()) / 3_600_000).toBe(23);
    const autumn = localDayBounds({ year: 2026, month: 10, day: 25 }, "Europe/Berlin");
    expect((autumn.end.getTime() - autumn.start.getTime()) / 3_600_000).toBe(25);
    expect(parseLocalTime("24:00:00")).toBe(86_400);
    expect(() => parseLocalTime("24:01")).toThrow(RangeError);
    expect(parseDate("2026-02-29")).toBeUndefined();
    expect(parseDate("2028-02-29")).toEqual({ year: 2028, month: 2, day: 29 });
  });
});

describe("working hours", () => {
  const berlin = weekdays("09:00", "17:00");

  it("holds a job inside the local day, in winter and in summer time", () => {
    expect(withinWorkingHours(job("2026-01-14T08:00:00Z", 480), berlin, "Europe/Berlin")).toBe(true); // 09-17 CET
    expect(withinWorkingHours(job("2026-07-15T07:00:00Z", 480), berlin, "Europe/Berlin")).toBe(true); // 09-17 CEST
    expect(withinWorkingHours(job("2026-07-15T08:00:00Z", 480), berlin, "Europe/Berlin")).toBe(false); // 10-18 CEST
    expect(withinWorkingHours(job("2026-01-17T09:00:00Z", 60), berlin, "Europe/Berlin")).toBe(false); // Saturday
  });

  it("joins windows that meet at midnight into one night shift", () => {
    const nights: WeeklyWindow[] = [
      { weekday: 5, startsAtLocal: "22:00:00", endsAtLocal: "24:00:00" },
      { weekday: 6, startsAtLocal: "00:00:00", endsAtLocal: "06:00:00" },
    ];
    // Friday 23:00 → Saturday 02:00 in New York (UTC-5 in January).
    expect(withinWorkingHours(job("2026-01-17T04:00:00Z", 180), nights, "America/New_York")).toBe(true);
    expect(availableIntervals(job("2026-01-17T04:00:00Z", 180), nights, "America/New_York")).toContainEqual({
      start: at("2026-01-17T03:00:00Z"),
      end: at("2026-01-17T11:00:00Z"),
    });
    // Saturday 05:00 → 07:00 runs past the shift.
    expect(withinWorkingHours(job("2026-01-17T10:00:00Z", 120), nights, "America/New_York")).toBe(false);
  });

  it("a local 8-hour day spanning the autumn change lasts 9 hours of real time and holds a 9-hour job", () => {
    const sunday: WeeklyWindow[] = [{ weekday: 0, startsAtLocal: "00:00", endsAtLocal: "08:00" }];
    expect(withinWorkingHours(job("2026-10-24T22:00:00Z", 540), sunday, "Europe/Berlin")).toBe(true);
    expect(withinWorkingHours(job("2026-10-24T22:00:00Z", 541), sunday, "Europe/Berlin")).toBe(false);
  });
});

describe("conflicts, in the order an office explains them", () => {
  const team = {
    timezone: "UTC",
    windows: weekdays("08:00", "18:00"),
    blackouts: [{ id: "b1", reason: "Training", start: at("2026-01-14T00:00:00Z"), end: at("2026-01-15T00:00:00Z") }],
    bookings: [{ id: "j1", start: at("2026-01-13T10:00:00Z"), end: at("2026-01-13T12:00:00Z") }],
  };

  it("names the blackout, the hours, or the overlapping job; none for a free slot; touching ends do not overlap", () => {
    expect(findConflict(job("2026-01-14T10:00:00Z", 60), team)?.reason).toBe("blackout");
    expect(findConflict(job("2026-01-13T17:30:00Z", 60), team)?.reason).toBe("outside_working_hours");
    expect(findConflict(job("2026-01-13T11:59:00Z", 60), team)).toMatchObject({ reason: "overlapping_booking", booking: { id: "j1" } });
    expect(findConflict(job("2026-01-13T12:00:00Z", 60), team)).toBeUndefined();
    expect(findConflict(job("2026-01-13T09:00:00Z", 60), team)).toBeUndefined();
    expect(findConflict(job("2026-01-17T09:00:00Z", 60), { ...team, windows: [] })).toBeUndefined();
  });
});
