import { entities, keysetAfter, NEWEST_FIRST, type ITeam } from "@cleanops/db";
import { notFound } from "@cleanops/http";
import { LockMode, type EntityManager, type FilterQuery } from "@mikro-orm/postgresql";
import type { ListTeamsInput } from "./teams.schemas.ts";

const { Team } = entities;

/**
 * A team of the org, or 404 (another org's id answers exactly like a missing one). `lock` takes the row FOR UPDATE:
 * writes that check the team's other rows first (working hours) serialize on it.
 */
export async function findTeam(em: EntityManager, id: string, options: { lock?: boolean } = {}): Promise<ITeam> {
  const team = await em.findOne(Team, { id }, options.lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {});
  if (!team) throw notFound("No such team.");
  return team;
}

/** The team with this exact name, if any (names are unique within an org). */
export async function findTeamByName(em: EntityManager, name: string): Promise<ITeam | null> {
  return em.findOne(Team, { name });
}

export async function listTeams(em: EntityManager, orgId: string, query: ListTeamsInput): Promise<ITeam[]> {
  const where: FilterQuery<ITeam>[] = [keysetAfter<ITeam>("teams", orgId, query.cursor)];
  if (!query.include_inactive) where.push({ active: true });
  return em.find(Team, { $and: where }, { orderBy: NEWEST_FIRST, limit: query.limit + 1 });
}
