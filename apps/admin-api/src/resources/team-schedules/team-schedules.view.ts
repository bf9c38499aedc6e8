import type { ITeamBlackout, ITeamWorkingHours } from "@cleanops/db";
import { hhmm } from "./team-schedules.rules.ts";

export function workingHoursView(h: ITeamWorkingHours) {
  return {
    id: h.id,
    team_id: h.team.id,
    weekday: h.weekday,
    // Stored as `time` ("HH:MM:SS"); the API speaks minutes.
    starts_at_local: hhmm(h.startsAtLocal),
    ends_at_local: hhmm(h.endsAtLocal),
    timezone: h.timezone,
  };
}

export function blackoutView(b: ITeamBlackout) {
  return {
    id: b.id,
    team_id: b.team.id,
    starts_at: b.startsAt.toISOString(),
    ends_at: b.endsAt.toISOString(),
    reason: b.reason ?? null,
    created_at: b.createdAt.toISOString(),
  };
}
