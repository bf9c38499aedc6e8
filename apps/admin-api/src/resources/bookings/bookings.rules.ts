import type { Conflict } from "@cleanops/scheduling";

export const BOOKING_STATUS_VALUES = ["requested", "confirmed", "in_progress", "completed", "cancelled"] as const;
export type BookingStatus = (typeof BOOKING_STATUS_VALUES)[number];

/** The only moves a booking makes: forward along the job's life, or cancelled before work starts. */
export const TRANSITIONS: Readonly<Record<BookingStatus, readonly BookingStatus[]>> = {
  requested: ["confirmed", "cancelled"],
  confirmed: ["in_progress", "cancelled"],
  in_progress: ["completed"],
  completed: [],
  cancelled: [],
};

/** Statuses whose booking holds its team's time (a cancelled one frees it). */
export const HOLDS_TEAM_TIME: readonly BookingStatus[] = ["requested", "confirmed", "in_progress", "completed"];

/** Why `from → to` is refused, or undefined when it is allowed. */
export function transitionRefusal(from: BookingStatus, to: BookingStatus, hasTeam: boolean): string | undefined {
  if (!TRANSITIONS[from].includes(to)) {
    const allowed = TRANSITIONS[from];
    return `A ${from} booking cannot become ${to}${allowed.length > 0 ? ` (allowed: ${allowed.join(", ")})` : " (it is final)"}.`;
  }
  if (to === "in_progress" && !hasTeam) return "Assign a team before the job starts.";
  return undefined;
}

/** Whether the schedule (time or team) may still change. */
export const isReschedulable = (status: BookingStatus): boolean => status === "requested" || status === "confirmed";

export const endOf = (startsAt: Date, durationMinutes: number): Date => new Date(startsAt.getTime() + durationMinutes * 60_000);

/** The refusal's message and details, as the 409 `booking_conflict` carries them. */
export function describeConflict(conflict: Conflict): { message: string; details: Record<string, unknown> } {
  switch (conflict.reason) {
    case "blackout":
      return {
        message: `The team is unavailable then${conflict.blackout.reason ? ` (${conflict.blackout.reason})` : ""}.`,
        details: {
          reason: "blackout",
          blackout_id: conflict.blackout.id,
          starts_at: conflict.blackout.start.toISOString(),
          ends_at: conflict.blackout.end.toISOString(),
        },
      };
    case "outside_working_hours":
      return {
        message: `The booking is outside the team's working hours (${conflict.timezone}).`,
        details: { reason: "outside_working_hours", timezone: conflict.timezone },
      };
    case "overlapping_booking":
      return {
        message: "The team already has a job then.",
        details: {
          reason: "overlapping_booking",
          booking_id: conflict.booking.id,
          starts_at: conflict.booking.start.toISOString(),
          ends_at: conflict.booking.end.toISOString(),
        },
      };
  }
}
