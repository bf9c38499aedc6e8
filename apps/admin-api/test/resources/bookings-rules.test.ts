import { describe, expect, it } from "vitest";
import {
  BOOKING_STATUS_VALUES,
  isReschedulable,
  transitionRefusal,
  type BookingStatus,
} from "../../src/resources/bookings/bookings.rules.ts";

describe("booking status rules", () => {
  it("allows exactly requested → confirmed → in_progress → completed, and cancelling before work starts", () => {
    const allowed: string[] = [];
    for (const from of BOOKING_STATUS_VALUES) {
      for (const to of BOOKING_STATUS_VALUES) if (!transitionRefusal(from, to, true)) allowed.push(`${from}→${to}`);
    }
    expect(allowed.sort()).toEqual([
      "confirmed→cancelled",
      "confirmed→in_progress",
      "in_progress→completed",
      "requested→cancelled",
      "requested→confirmed",
    ]);
  });

  it("does not start a job without a team, and says what is allowed instead", () => {
    expect(transitionRefusal("confirmed", "in_progress", false)).toBe("Assign a team before the job starts.");
    expect(transitionRefusal("requested", "completed", true)).toBe(
      "A requested booking cannot become completed (allowed: confirmed, cancelled).",
    );
    expect(transitionRefusal("cancelled", "requested", true)).toBe("A cancelled booking cannot become requested (it is final).");
  });

  it("reschedules only before work starts", () => {
    const movable = BOOKING_STATUS_VALUES.filter((s: BookingStatus) => isReschedulable(s));
    expect(movable).toEqual(["requested", "confirmed"]);
  });
});
