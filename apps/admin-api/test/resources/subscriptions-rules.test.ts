import { endOfUtcDay, nextOccurrence, occurrenceDate } from "@cleanops/db";
import { describe, expect, it } from "vitest";
import { transitionRefusal } from "../../src/resources/subscriptions/subscriptions.rules.ts";

const walk = (frequency: "weekly" | "biweekly" | "monthly", start: string, anchor: number, n: number): string[] => {
  const out = [start];
  let at = new Date(start);
  for (let i = 1; i < n; i++) out.push((at = nextOccurrence(frequency, at, anchor)).toISOString());
  return out;
};

describe("a plan's schedule", () => {
  it("adds a week or two, keeping the time of day in UTC", () => {
    expect(walk("weekly", "2026-12-28T09:30:00.000Z", 28, 3)).toEqual([
      "2026-12-28T09:30:00.000Z",
      "2027-01-04T09:30:00.000Z",
      "2027-01-11T09:30:00.000Z",
    ]);
    expect(walk("biweekly", "2026-02-20T23:00:00.000Z", 20, 2)).toEqual(["2026-02-20T23:00:00.000Z", "2026-03-06T23:00:00.000Z"]);
  });

  it("lands a monthly plan of the 31st on the month's last day and returns to the 31st (leap years included)", () => {
    expect(walk("monthly", "2027-01-31T10:00:00.000Z", 31, 5).map((s) => s.slice(0, 10))).toEqual([
      "2027-01-31",
      "2027-02-28",
      "2027-03-31",
      "2027-04-30",
      "2027-05-31",
    ]);
    expect(walk("monthly", "2028-01-30T10:00:00.000Z", 30, 3).map((s) => s.slice(0, 10))).toEqual([
      "2028-01-30",
      "2028-02-29",
      "2028-03-30",
    ]);
    expect(walk("monthly", "2026-11-29T08:00:00.000Z", 29, 4).map((s) => s.slice(0, 10))).toEqual([
      "2026-11-29",
      "2026-12-29",
      "2027-01-29",
      "2027-02-28",
    ]);
  });

  it("dates an occurrence by its UTC day, and a run's cutoff is the end of that day", () => {
    expect(occurrenceDate(new Date("2026-03-01T23:59:59.999Z"))).toBe("2026-03-01");
    expect(endOfUtcDay("2028-02-29").toISOString()).toBe("2028-03-01T00:00:00.000Z");
    expect(() => endOfUtcDay("2027-02-29")).toThrow(RangeError);
  });
});

describe("a plan's status", () => {
  it("pauses and resumes freely, and cancelling is final", () => {
    expect(transitionRefusal("active", "paused")).toBeUndefined();
    expect(transitionRefusal("paused", "active")).toBeUndefined();
    expect(transitionRefusal("paused", "cancelled")).toBeUndefined();
    expect(transitionRefusal("active", "active")).toMatch(/cannot become active/);
    expect(transitionRefusal("cancelled", "active")).toMatch(/it is final/);
  });
});
