import { pageSchema, toPage } from "@cleanops/http";
import { idParams } from "../../kernel/schemas.ts";
import { route } from "../../kernel/route.ts";
import type { Resource } from "../../kernel/resource.ts";
import { findTeam } from "../teams/teams.queries.ts";
import { addBlackout, addWorkingHours, deleteBlackout, deleteWorkingHours } from "./team-schedules.actions.ts";
import { listBlackouts, listWorkingHours } from "./team-schedules.queries.ts";
import {
  CreateBlackout,
  CreateWorkingHours,
  ListBlackoutsQuery,
  TeamBlackout,
  TeamBlackoutParams,
  TeamHoursParams,
  TeamWorkingHours,
  WorkingHoursList,
} from "./team-schedules.schemas.ts";
import { blackoutView, workingHoursView } from "./team-schedules.view.ts";

const tag = "team-schedules";

export const teamSchedules: Resource = {
  name: tag,
  routes: [
    route({
      method: "post",
      path: "/teams/:id/working-hours",
      tag,
      summary: "Add an interval to a team's weekly working hours",
      description:
        "Local wall-clock times in the team's one IANA time zone; `ends_at_local` must be after `starts_at_local`, and " +
        '"24:00" means midnight. A shift across midnight is two rows: 22:00 → 24:00 on its weekday, 00:00 → 06:00 on ' +
        "the next. Intervals of one weekday may touch but not overlap.",
      access: { capability: "schedules.write" },
      params: idParams,
      body: CreateWorkingHours,
      response: TeamWorkingHours,
      status: 201,
      errors: ["timezone_mismatch", "working_hours_overlap", "working_hours_limit"],
      handle: async (ctx, { params, body }) => workingHoursView(await addWorkingHours(ctx, params.id, body)),
    }),
    route({
      method: "get",
      path: "/teams/:id/working-hours",
      tag,
      summary: "A team's weekly working hours, by weekday and start",
      access: { capability: "schedules.read" },
      params: idParams,
      response: WorkingHoursList,
      handle: async (ctx, { params }) => {
        const team = await findTeam(ctx.em, params.id);
        return { items: (await listWorkingHours(ctx.em, team.id)).map(workingHoursView), next_cursor: null };
      },
    }),
    route({
      method: "delete",
      path: "/teams/:id/working-hours/:hours_id",
      tag,
      summary: "Remove an interval from a team's working hours",
      access: { capability: "schedules.write" },
      params: TeamHoursParams,
      status: 204,
      handle: async (ctx, { params }) => deleteWorkingHours(ctx, params.id, params.hours_id),
    }),
    route({
      method: "post",
      path: "/teams/:id/blackouts",
      tag,
      summary: "Block a range of time for a team (holidays, training…)",
      access: { capability: "schedules.write" },
      params: idParams,
      body: CreateBlackout,
      response: TeamBlackout,
      status: 201,
      handle: async (ctx, { params, body }) => blackoutView(await addBlackout(ctx, params.id, body)),
    }),
    route({
      method: "get",
      path: "/teams/:id/blackouts",
      tag,
      summary: "A team's blackouts overlapping [from, to), newest first",
      access: { capability: "schedules.read" },
      params: idParams,
      query: ListBlackoutsQuery,
      response: pageSchema(TeamBlackout),
      handle: async (ctx, { params, query }) => {
        const team = await findTeam(ctx.em, params.id);
        return toPage(await listBlackouts(ctx.em, ctx.orgId, team.id, query), query.limit, blackoutView);
      },
    }),
    route({
      method: "delete",
      path: "/teams/:id/blackouts/:blackout_id",
      tag,
      summary: "Remove a blackout",
      access: { capability: "schedules.write" },
      params: TeamBlackoutParams,
      status: 204,
      handle: async (ctx, { params }) => deleteBlackout(ctx, params.id, params.blackout_id),
    }),
  ],
};
