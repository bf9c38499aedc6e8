import { entities, type ITeam } from "@cleanops/db";
import type { EntityManager } from "@mikro-orm/postgresql";
import type { AdminContext } from "../../kernel/context.ts";
import { isUniqueViolation } from "../../kernel/unique-violation.ts";
import { TEAM_NAME_KEY, teamNameTaken } from "./teams.errors.ts";
import { findTeam, findTeamByName } from "./teams.queries.ts";
import type { CreateTeamInput, UpdateTeamInput } from "./teams.schemas.ts";
import { teamView } from "./teams.view.ts";

const { Team } = entities;

/**
 * Names are unique within an org (the `(org_id, name)` key). Checked first so the 409 names the team; the key still
 * decides a race between two requests (see `nameRace`).
 */
async function assertNameFree(tx: EntityManager, name: string, exceptId?: string): Promise<void> {
  const other = await findTeamByName(tx, name);
  if (other && other.id !== exceptId) throw teamNameTaken(name);
}

/** The key's refusal, when another request took the name between the check and the flush: the same 409. */
const nameRace = (name: string | undefined) => (err: unknown) => {
  throw name !== undefined && isUniqueViolation(err, TEAM_NAME_KEY) ? teamNameTaken(name) : err;
};

export async function createTeam(ctx: AdminContext, input: CreateTeamInput): Promise<ITeam> {
  return ctx
    .mutate(async (tx, audit) => {
      await assertNameFree(tx, input.name);
      const team = tx.create(Team, {
        name: input.name,
        // The column's default, written here so the response shows it without a reload.
        color: input.color ?? "#3b82f6",
        active: true,
        createdAt: ctx.now,
        updatedAt: ctx.now,
      });
      audit.created("team", team.id, teamView(team));
      return team;
    })
    .catch(nameRace(input.name));
}

/** Renames, recolours, deactivates or reactivates a team; a deactivated team keeps its workers and schedule. */
export async function updateTeam(ctx: AdminContext, id: string, input: UpdateTeamInput): Promise<ITeam> {
  return ctx
    .mutate(async (tx, audit) => {
      const team = await findTeam(tx, id);
      if (input.name !== undefined && input.name !== team.name) await assertNameFree(tx, input.name, team.id);
      const before = teamView(team);
      tx.assign(team, {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.color !== undefined ? { color: input.color } : {}),
        ...(input.active !== undefined ? { active: input.active } : {}),
      });
      const after = teamView(team);
      // A deactivation or reactivation is its own action in the log, so it can be found without reading diffs.
      const action = before.active !== after.active ? (after.active ? "team.reactivated" : "team.deactivated") : undefined;
      audit.updated("team", team.id, before, after, action);
      return team;
    })
    .catch(nameRace(input.name));
}
