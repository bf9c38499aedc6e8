import { describe, expect, it } from "vitest";
import {
  findOverlap,
  intervalsOverlap,
  isForwardInterval,
  isForwardRange,
  LOCAL_TIME,
  sameTimeZone,
  timeZoneIdentity,
} from "../../src/resources/team-schedules/team-schedules.rules.ts";

const iv = (weekday: number, startsAtLocal: string, endsAtLocal: string) => ({ weekday, startsAtLocal, endsAtLocal });

describe("working-hours rules (no database)", () => {
  it("detects overlaps on the same weekday only; touching intervals do not overlap", () => {
    expect(intervalsOverlap(iv(1, "08:00", "12:00"), iv(1, "11:59", "13:00"))).toBe(true);
    expect(intervalsOverlap(iv(1, "08:00", "12:00"), iv(1, "09:00", "10:00"))).toBe(true);
    expect(intervalsOverlap(iv(1, "09:00", "10:00"), iv(1, "08:00", "12:00"))).toBe(true);
    expect(intervalsOverlap(iv(1, "08:00", "12:00"), iv(1, "08:00", "12:00"))).toBe(true);
    expect(intervalsOverlap(iv(1, "08:00", "12:00"), iv(1, "12:00", "14:00"))).toBe(false);
    expect(intervalsOverlap(iv(1, "12:00", "14:00"), iv(1, "08:00", "12:00"))).toBe(false);
    expect(intervalsOverlap(iv(1, "08:00", "12:00"), iv(2, "08:00", "12:00"))).toBe(false);
    expect(intervalsOverlap(iv(5, "22:00", "24:00"), iv(5, "23:00", "23:30"))).toBe(true);
  });

  it("compares stored 'HH:MM:SS' values with 'HH:MM' input", () => {
    const stored = [iv(3, "08:00:00", "12:00:00"), iv(3, "13:00:00", "17:00:00")];
    expect(findOverlap(stored, iv(3, "12:00", "13:00"))).toBeUndefined();
    expect(findOverlap(stored, iv(3, "16:30", "18:00"))).toBe(stored[1]);
  });

  it("wants an end after the start; 24:00 is midnight, valid only as an end", () => {
    expect(isForwardInterval("08:00", "17:00")).toBe(true);
    expect(isForwardInterval("22:00", "24:00")).toBe(true);
    expect(isForwardInterval("17:00", "17:00")).toBe(false);
    expect(isForwardInterval("22:00", "06:00")).toBe(false);
    expect(isForwardInterval("24:00", "24:00")).toBe(false);
    expect(["00:00", "09:05", "23:59", "24:00"].every((s) => LOCAL_TIME.test(s))).toBe(true);
    expect(["24:01", "7:00", "12:60", "12:00:00", "noon"].some((s) => LOCAL_TIME.test(s))).toBe(false);
  });

  it("accepts IANA zone names only and knows aliases and case as the same zone", () => {
    for (const ok of ["Europe/Paris", "europe/paris", "UTC", "America/Argentina/Buenos_Aires", "Asia/Kolkata", "Etc/GMT+1"]) {
      expect(timeZoneIdentity(ok)).toBeTypeOf("string");
    }
    for (const bad of ["Mars/Olympus", "+02:00", "", "Europe/Paris\u0000", "../etc/passwd"]) expect(timeZoneIdentity(bad)).toBeUndefined();
    expect(sameTimeZone("Europe/Paris", "europe/paris")).toBe(true);
    expect(sameTimeZone("Asia/Kolkata", "Asia/Calcutta")).toBe(true);
    expect(sameTimeZone("Europe/Paris", "Europe/Berlin")).toBe(false);
  });

  it("wants a blackout to end after it starts", () => {
    const t0 = new Date("2026-01-01T00:00:00Z");
    expect(isForwardRange(t0, new Date("2026-01-01T00:00:01Z"))).toBe(true);
    expect(isForwardRange(t0, t0)).toBe(false);
  });
});
