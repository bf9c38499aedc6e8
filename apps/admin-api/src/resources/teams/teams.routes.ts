import { pageSchema, toPage } from "@cleanops/http";
import { idParams } from "../../kernel/schemas.ts";
import { route } from "../../kernel/route.ts";
import type { Resource } from "../../kernel/resource.ts";
import { listWorkingHours, upcomingBlackouts } from "../team-schedules/team-schedules.queries.ts";
import { blackoutView, workingHoursView } from "../team-schedules/team-schedules.view.ts";
import { createTeam, updateTeam } from "./teams.actions.ts";
import { findTeam, listTeams } from "./teams.queries.ts";
import { CreateTeam, ListTeamsQuery, Team, TeamDetail, UpdateTeam } from "./teams.schemas.ts";
import { teamView } from "./teams.view.ts";

const tag = "teams";

export const teams: Resource = {
  name: tag,
  routes: [
    route({
      method: "post",
      path: "/teams",
      tag,
      summary: "Create a team",
      access: { capability: "teams.write" },
      body: CreateTeam,
      response: Team,
      status: 201,
      errors: ["already_exists"],
      handle: async (ctx, { body }) => teamView(await createTeam(ctx, body)),
    }),
    route({
      method: "get",
      path: "/teams",
      tag,
      summary: "List teams, newest first (active ones unless include_inactive=true)",
      access: { capability: "teams.read" },
      query: ListTeamsQuery,
      response: pageSchema(Team),
      handle: async (ctx, { query }) => toPage(await listTeams(ctx.em, ctx.orgId, query), query.limit, teamView),
    }),
    route({
      method: "get",
      path: "/teams/:id",
      tag,
      summary: "Get a team with its working hours and upcoming blackouts",
      access: { capability: "teams.read" },
      params: idParams,
      response: TeamDetail,
      handle: async (ctx, { params }) => {
        const team = await findTeam(ctx.em, params.id);
        const [hours, blackouts] = [await listWorkingHours(ctx.em, team.id), await upcomingBlackouts(ctx.em, team.id, ctx.now)];
        return { ...teamView(team), working_hours: hours.map(workingHoursView), upcoming_blackouts: blackouts.map(blackoutView) };
      },
    }),
    route({
      method: "patch",
      path: "/teams/:id",
      tag,
      summary: "Rename, recolour, deactivate or reactivate a team",
      access: { capability: "teams.write" },
      params: idParams,
      body: UpdateTeam,
      response: Team,
      errors: ["already_exists"],
      handle: async (ctx, { params, body }) => teamView(await updateTeam(ctx, params.id, body)),
    }),
  ],
};
