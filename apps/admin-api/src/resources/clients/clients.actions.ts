import { entities, type IClientUser } from "@cleanops/db";
import { conflict } from "@cleanops/http";
import type { AdminContext } from "../../kernel/context.ts";
import { findClient } from "./clients.queries.ts";
import type { CreateClientInput, UpdateClientInput } from "./clients.schemas.ts";
import { clientView } from "./clients.view.ts";

const { ClientUser } = entities;

export async function createClient(ctx: AdminContext, input: CreateClientInput): Promise<IClientUser> {
  return ctx.mutate((tx, audit) => {
    const client = tx.create(ClientUser, {
      name: input.name,
      email: input.email ?? null,
      phone: input.phone ?? null,
      address: input.address ?? null,
      notes: input.notes ?? null,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    });
    audit.created("client", client.id, clientView(client));
    return Promise.resolve(client);
  });
}

export async function updateClient(ctx: AdminContext, id: string, input: UpdateClientInput): Promise<IClientUser> {
  return ctx.mutate(async (tx, audit) => {
    const client = await findClient(tx, id);
    if (client.archivedAt) throw conflict("An archived client cannot be changed; restore it first.");
    const before = clientView(client);
    tx.assign(client, {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.email !== undefined ? { email: input.email } : {}),
      ...(input.phone !== undefined ? { phone: input.phone } : {}),
      ...(input.address !== undefined ? { address: input.address } : {}),
      ...(input.notes !== undefined ? { notes: input.notes } : {}),
    });
    audit.updated("client", client.id, before, clientView(client));
    return client;
  });
}

/** Archived clients leave lists and pickers; their bookings and invoices stay. Archiving twice changes nothing. */
export async function setClientArchived(ctx: AdminContext, id: string, archived: boolean): Promise<IClientUser> {
  return ctx.mutate(async (tx, audit) => {
    const client = await findClient(tx, id);
    if (Boolean(client.archivedAt) === archived) return client;
    const before = clientView(client);
    client.archivedAt = archived ? ctx.now : null;
    audit.updated("client", client.id, before, clientView(client), archived ? "client.archived" : "client.restored");
    return client;
  });
}
