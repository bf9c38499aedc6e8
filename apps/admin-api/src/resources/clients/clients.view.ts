import type { IClientUser } from "@cleanops/db";

export type ClientView = ReturnType<typeof clientView>;

export function clientView(c: IClientUser) {
  return {
    id: c.id,
    name: c.name,
    email: c.email ?? null,
    phone: c.phone ?? null,
    address: c.address ?? null,
    notes: c.notes ?? null,
    archived_at: c.archivedAt ? c.archivedAt.toISOString() : null,
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
  };
}
