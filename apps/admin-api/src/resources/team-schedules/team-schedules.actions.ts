import { entities, type ITeamBlackout, type ITeamWorkingHours } from "@cleanops/db";
import type { AdminContext } from "../../kernel/context.ts";
import { findTeam } from "../teams/teams.queries.ts";
import { scheduleErrors } from "./team-schedules.errors.ts";
import { findBlackout, findWorkingHours, listWorkingHours } from "./team-schedules.queries.ts";
import { findOverlap, hhmm, MAX_INTERVALS_PER_WEEKDAY, sameTimeZone } from "./team-schedules.rules.ts";
import type { CreateBlackoutInput, CreateWorkingHoursInput } from "./team-schedules.schemas.ts";
import { blackoutView, workingHoursView } from "./team-schedules.view.ts";

const { TeamBlackout, TeamWorkingHours } = entities;

/**
 * Adds an interval to a team's week. The team row is locked first, so two requests adding hours to one team check
 * and insert one after the other (the overlap and time-zone rules span rows, no key of the table can hold them).
 */
export async function addWorkingHours(ctx: AdminContext, teamId: string, input: CreateWorkingHoursInput): Promise<ITeamWorkingHours> {
  return ctx.mutate(async (tx, audit) => {
    const team = await findTeam(tx, teamId, { lock: true });
    const existing = await listWorkingHours(tx, team.id);
    const zone = existing[0]?.timezone;
    if (zone !== undefined && !sameTimeZone(zone, input.timezone)) {
      throw scheduleErrors.timezone_mismatch(
        `This team's working hours are in ${zone}; send ${zone} or delete those hours first (a team has one time zone).`,
        { details: { team_timezone: zone } },
      );
    }
    const candidate = { weekday: input.weekday, startsAtLocal: input.starts_at_local, endsAtLocal: input.ends_at_local };
    const clash = findOverlap(existing, candidate);
    if (clash) {
      throw scheduleErrors.working_hours_overlap(
        `These hours overlap ${hhmm(clash.startsAtLocal)}–${hhmm(clash.endsAtLocal)} on the same weekday.`,
        { details: { working_hours_id: clash.id } },
      );
    }
    if (existing.filter((row) => row.weekday === input.weekday).length >= MAX_INTERVALS_PER_WEEKDAY) {
      throw scheduleErrors.working_hours_limit(`A team has at most ${MAX_INTERVALS_PER_WEEKDAY} intervals per weekday.`);
    }
    const row = tx.create(TeamWorkingHours, {
      team,
      weekday: input.weekday,
      startsAtLocal: input.starts_at_local,
      endsAtLocal: input.ends_at_local,
      // The team's spelling when it already has one ("europe/paris" joins "Europe/Paris"): one name per team.
      timezone: zone ?? input.timezone,
    });
    audit.created("team_working_hours", row.id, workingHoursView(row));
    return row;
  });
}

export async function deleteWorkingHours(ctx: AdminContext, teamId: string, id: string): Promise<void> {
  await ctx.mutate(async (tx, audit) => {
    const team = await findTeam(tx, teamId, { lock: true });
    const row = await findWorkingHours(tx, team.id, id);
    audit.record({
      action: "team_working_hours.deleted",
      entityType: "team_working_hours",
      entityId: row.id,
      changes: { before: workingHoursView(row) },
    });
    tx.remove(row);
  });
}

export async function addBlackout(ctx: AdminContext, teamId: string, input: CreateBlackoutInput): Promise<ITeamBlackout> {
  return ctx.mutate(async (tx, audit) => {
    const team = await findTeam(tx, teamId);
    const row = tx.create(TeamBlackout, {
      team,
      startsAt: input.starts_at,
      endsAt: input.ends_at,
      reason: input.reason ?? null,
      createdAt: ctx.now,
    });
    audit.created("team_blackout", row.id, blackoutView(row));
    return row;
  });
}

export async function deleteBlackout(ctx: AdminContext, teamId: string, id: string): Promise<void> {
  await ctx.mutate(async (tx, audit) => {
    const team = await findTeam(tx, teamId);
    const row = await findBlackout(tx, team.id, id);
    audit.record({
      action: "team_blackout.deleted",
      entityType: "team_blackout",
      entityId: row.id,
      changes: { before: blackoutView(row) },
    });
    tx.remove(row);
  });
}
