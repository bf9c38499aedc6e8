import type { ITeam } from "@cleanops/db";

export type TeamView = ReturnType<typeof teamView>;

export function teamView(t: ITeam) {
  return {
    id: t.id,
    name: t.name,
    color: t.color,
    active: t.active,
    created_at: t.createdAt.toISOString(),
    updated_at: t.updatedAt.toISOString(),
  };
}
