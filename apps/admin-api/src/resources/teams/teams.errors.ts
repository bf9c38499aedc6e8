import { AppError } from "@cleanops/http";

/** The unique key of team names within an org (migration 0035's `(org_id, name)`). */
export const TEAM_NAME_KEY = "teams_org_id_name_key";

/** `already_exists` with a message naming the team, for the check before the write and for the key's own refusal. */
export const teamNameTaken = (name: string) =>
  new AppError("already_exists", `A team named "${name}" already exists in this organization.`, { details: { field: "name" } });
