import { pageQuery } from "@cleanops/http";
import { z } from "zod";
import { id, isoTime, queryBoolean, text } from "../../kernel/schemas.ts";
import { TeamBlackout, TeamWorkingHours } from "../team-schedules/team-schedules.schemas.ts";

/** `#rrggbb`, as the teams CHECK constraint stores it (lower-cased here so equal colours compare equal). */
const color = () =>
  z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, { error: "a colour such as #3b82f6" })
    .transform((s) => s.toLowerCase())
    .meta({ example: "#3b82f6" });

export const CreateTeam = z
  .object({
    name: text(100),
    color: color().optional(),
  })
  .strict();

export const UpdateTeam = z
  .object({
    name: text(100),
    color: color(),
    active: z.boolean(),
  })
  .partial()
  .strict();

export const ListTeamsQuery = pageQuery.extend({
  include_inactive: queryBoolean().meta({ description: "Also list deactivated teams (default: active ones only)" }),
});

export const Team = z
  .object({
    id: id(),
    name: z.string(),
    color: z.string(),
    active: z.boolean(),
    created_at: isoTime(),
    updated_at: isoTime(),
  })
  .meta({ id: "Team" });

export const TeamDetail = Team.extend({
  working_hours: z.array(TeamWorkingHours),
  upcoming_blackouts: z.array(TeamBlackout).meta({ description: "Blackouts not over yet, soonest first (at most 50)" }),
}).meta({ id: "TeamDetail" });

export type CreateTeamInput = z.output<typeof CreateTeam>;
export type UpdateTeamInput = z.output<typeof UpdateTeam>;
export type ListTeamsInput = z.output<typeof ListTeamsQuery>;
