import { entities, keysetAfter, NEWEST_FIRST, type ITeamBlackout, type ITeamWorkingHours } from "@cleanops/db";
import { notFound } from "@cleanops/http";
import type { EntityManager, FilterQuery } from "@mikro-orm/postgresql";
import type { ListBlackoutsInput } from "./team-schedules.schemas.ts";

const { TeamBlackout, TeamWorkingHours } = entities;

/** Every working-hours row of a team, by weekday then start (a bounded set: see MAX_INTERVALS_PER_WEEKDAY). */
export async function listWorkingHours(em: EntityManager, teamId: string): Promise<ITeamWorkingHours[]> {
  return em.find(TeamWorkingHours, { team: teamId }, { orderBy: { weekday: "asc", startsAtLocal: "asc" } });
}

/** One row of this team (a row of another team or org answers 404 like a missing one). */
export async function findWorkingHours(em: EntityManager, teamId: string, id: string): Promise<ITeamWorkingHours> {
  const row = await em.findOne(TeamWorkingHours, { id, team: teamId });
  if (!row) throw notFound("No such working hours.");
  return row;
}

export async function findBlackout(em: EntityManager, teamId: string, id: string): Promise<ITeamBlackout> {
  const row = await em.findOne(TeamBlackout, { id, team: teamId });
  if (!row) throw notFound("No such blackout.");
  return row;
}

/** Blackouts of a team overlapping [from, to), newest first like every list. */
export async function listBlackouts(em: EntityManager, orgId: string, teamId: string, query: ListBlackoutsInput): Promise<ITeamBlackout[]> {
  const where: FilterQuery<ITeamBlackout>[] = [keysetAfter<ITeamBlackout>("team_blackouts", orgId, query.cursor), { team: teamId }];
  if (query.from) where.push({ endsAt: { $gt: query.from } });
  if (query.to) where.push({ startsAt: { $lt: query.to } });
  return em.find(TeamBlackout, { $and: where }, { orderBy: NEWEST_FIRST, limit: query.limit + 1 });
}

/** The blackouts not over yet at `now`, soonest first: what a dispatcher looks at on the team's page. */
export async function upcomingBlackouts(em: EntityManager, teamId: string, now: Date, limit = 50): Promise<ITeamBlackout[]> {
  return em.find(TeamBlackout, { team: teamId, endsAt: { $gt: now } }, { orderBy: { startsAt: "asc", id: "asc" }, limit });
}
