import { pageSchema, toPage } from "@cleanops/http";
import type { Resource } from "../../kernel/resource.ts";
import { route } from "../../kernel/route.ts";
import { idParams } from "../../kernel/schemas.ts";
import { createAddon, setAddonActive, updateAddon } from "./addons.actions.ts";
import { findAddon, listAddons } from "./addons.queries.ts";
import { AddonDefinition, CreateAddon, ListAddonsQuery, UpdateAddon } from "./addons.schemas.ts";
import { addonView } from "./addons.view.ts";

const tag = "addons";

export const addons: Resource = {
  name: tag,
  routes: [
    route({
      method: "post",
      path: "/addons",
      tag,
      summary: "Create an add-on definition",
      access: { capability: "addons.write" },
      body: CreateAddon,
      response: AddonDefinition,
      status: 201,
      errors: ["already_exists"],
      handle: async (ctx, { body }) => addonView(await createAddon(ctx, body)),
    }),
    route({
      method: "get",
      path: "/addons",
      tag,
      summary: "List add-on definitions, newest first",
      access: { capability: "addons.read" },
      query: ListAddonsQuery,
      response: pageSchema(AddonDefinition),
      handle: async (ctx, { query }) => toPage(await listAddons(ctx.em, ctx.orgId, query), query.limit, addonView),
    }),
    route({
      method: "get",
      path: "/addons/:id",
      tag,
      summary: "Get an add-on definition",
      access: { capability: "addons.read" },
      params: idParams,
      response: AddonDefinition,
      handle: async (ctx, { params }) => addonView(await findAddon(ctx.em, params.id)),
    }),
    route({
      method: "patch",
      path: "/addons/:id",
      tag,
      summary: "Change an add-on's name, price or duration",
      description: "A new price applies to bookings made from now on: existing bookings keep the price they copied.",
      access: { capability: "addons.write" },
      params: idParams,
      body: UpdateAddon,
      response: AddonDefinition,
      errors: ["already_exists"],
      handle: async (ctx, { params, body }) => addonView(await updateAddon(ctx, params.id, body)),
    }),
    route({
      method: "post",
      path: "/addons/:id/deactivate",
      tag,
      summary: "Stop offering an add-on on new bookings",
      access: { capability: "addons.write" },
      params: idParams,
      response: AddonDefinition,
      handle: async (ctx, { params }) => addonView(await setAddonActive(ctx, params.id, false)),
    }),
    route({
      method: "post",
      path: "/addons/:id/activate",
      tag,
      summary: "Offer a deactivated add-on again",
      access: { capability: "addons.write" },
      params: idParams,
      response: AddonDefinition,
      handle: async (ctx, { params }) => addonView(await setAddonActive(ctx, params.id, true)),
    }),
  ],
};
