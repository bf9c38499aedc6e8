import { pageSchema, toPage } from "@cleanops/http";
import { idParams } from "../../kernel/schemas.ts";
import { route } from "../../kernel/route.ts";
import type { Resource } from "../../kernel/resource.ts";
import { createClient, setClientArchived, updateClient } from "./clients.actions.ts";
import { findClient, listClients } from "./clients.queries.ts";
import { Client, CreateClient, ListClientsQuery, UpdateClient } from "./clients.schemas.ts";
import { clientView } from "./clients.view.ts";

const tag = "clients";

export const clients: Resource = {
  name: tag,
  routes: [
    route({
      method: "post",
      path: "/clients",
      tag,
      summary: "Create a client",
      access: { capability: "clients.write" },
      body: CreateClient,
      response: Client,
      status: 201,
      handle: async (ctx, { body }) => clientView(await createClient(ctx, body)),
    }),
    route({
      method: "get",
      path: "/clients",
      tag,
      summary: "List clients, newest first; search by name, email or phone",
      access: { capability: "clients.read" },
      query: ListClientsQuery,
      response: pageSchema(Client),
      handle: async (ctx, { query }) => toPage(await listClients(ctx.em, ctx.orgId, query), query.limit, clientView),
    }),
    route({
      method: "get",
      path: "/clients/:id",
      tag,
      summary: "Get a client",
      access: { capability: "clients.read" },
      params: idParams,
      response: Client,
      handle: async (ctx, { params }) => clientView(await findClient(ctx.em, params.id)),
    }),
    route({
      method: "patch",
      path: "/clients/:id",
      tag,
      summary: "Change a client's details",
      access: { capability: "clients.write" },
      params: idParams,
      body: UpdateClient,
      response: Client,
      errors: ["conflict"],
      handle: async (ctx, { params, body }) => clientView(await updateClient(ctx, params.id, body)),
    }),
    route({
      method: "post",
      path: "/clients/:id/archive",
      tag,
      summary: "Archive a client (kept with its history, hidden from lists)",
      access: { capability: "clients.write" },
      params: idParams,
      response: Client,
      handle: async (ctx, { params }) => clientView(await setClientArchived(ctx, params.id, true)),
    }),
    route({
      method: "post",
      path: "/clients/:id/restore",
      tag,
      summary: "Restore an archived client",
      access: { capability: "clients.write" },
      params: idParams,
      response: Client,
      handle: async (ctx, { params }) => clientView(await setClientArchived(ctx, params.id, false)),
    }),
  ],
};
