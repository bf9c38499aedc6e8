import { pageSchema, toPage } from "@cleanops/http";
import type { Resource } from "../../kernel/resource.ts";
import { route } from "../../kernel/route.ts";
import { idParams } from "../../kernel/schemas.ts";
import {
  addItem,
  attachChecklist,
  createTemplate,
  removeItem,
  reorderItems,
  updateItem,
  updateTemplate,
  type TemplateWithItems,
} from "./checklists.actions.ts";
import { bookingRun, findBooking, findTemplate, listTemplates, runDetails, templateItems } from "./checklists.queries.ts";
import {
  AddItem,
  AttachChecklist,
  ChecklistRun,
  ChecklistTemplate,
  CreateTemplate,
  itemParams,
  ListTemplatesQuery,
  ReorderItems,
  UpdateItem,
  UpdateTemplate,
} from "./checklists.schemas.ts";
import { runView, templateView } from "./checklists.view.ts";

const tag = "checklists";

const view = ({ template, items }: TemplateWithItems) => templateView(template, items);

export const checklists: Resource = {
  name: tag,
  routes: [
    route({
      method: "post",
      path: "/checklist-templates",
      tag,
      summary: "Create a checklist template, its items in the given order",
      access: { capability: "checklists.write" },
      body: CreateTemplate,
      response: ChecklistTemplate,
      status: 201,
      errors: ["already_exists"],
      handle: async (ctx, { body }) => view(await createTemplate(ctx, body)),
    }),
    route({
      method: "get",
      path: "/checklist-templates",
      tag,
      summary: "List checklist templates with their items, newest first",
      access: { capability: "checklists.read" },
      query: ListTemplatesQuery,
      response: pageSchema(ChecklistTemplate),
      handle: async (ctx, { query }) => toPage(await listTemplates(ctx.em, ctx.orgId, query), query.limit, view),
    }),
    route({
      method: "get",
      path: "/checklist-templates/:id",
      tag,
      summary: "Get a checklist template with its items in order",
      access: { capability: "checklists.read" },
      params: idParams,
      response: ChecklistTemplate,
      handle: async (ctx, { params }) => templateView(await findTemplate(ctx.em, params.id), await templateItems(ctx.em, params.id)),
    }),
    route({
      method: "patch",
      path: "/checklist-templates/:id",
      tag,
      summary: "Rename, deactivate or activate a checklist template",
      access: { capability: "checklists.write" },
      params: idParams,
      body: UpdateTemplate,
      response: ChecklistTemplate,
      errors: ["already_exists"],
      handle: async (ctx, { params, body }) => view(await updateTemplate(ctx, params.id, body)),
    }),
    route({
      method: "post",
      path: "/checklist-templates/:id/items",
      tag,
      summary: "Insert an item at a position (the rest move down) or at the end",
      access: { capability: "checklists.write" },
      params: idParams,
      body: AddItem,
      response: ChecklistTemplate,
      status: 201,
      handle: async (ctx, { params, body }) => view(await addItem(ctx, params.id, body)),
    }),
    route({
      method: "patch",
      path: "/checklist-templates/:id/items/:item_id",
      tag,
      summary: "Change an item's label or whether it is required",
      access: { capability: "checklists.write" },
      params: itemParams,
      body: UpdateItem,
      response: ChecklistTemplate,
      handle: async (ctx, { params, body }) => view(await updateItem(ctx, params.id, params.item_id, body)),
    }),
    route({
      method: "delete",
      path: "/checklist-templates/:id/items/:item_id",
      tag,
      summary: "Remove an item (the ones after it move up)",
      access: { capability: "checklists.write" },
      params: itemParams,
      response: ChecklistTemplate,
      errors: ["checklist_item_in_use"],
      handle: async (ctx, { params }) => view(await removeItem(ctx, params.id, params.item_id)),
    }),
    route({
      method: "post",
      path: "/checklist-templates/:id/reorder",
      tag,
      summary: "Put the items in a new order",
      access: { capability: "checklists.write" },
      params: idParams,
      body: ReorderItems,
      response: ChecklistTemplate,
      errors: ["invalid_order"],
      handle: async (ctx, { params, body }) => view(await reorderItems(ctx, params.id, body.item_ids)),
    }),
    route({
      method: "post",
      path: "/bookings/:id/checklist",
      tag,
      summary: "Attach a checklist template to a booking (an open checklist, one row per item)",
      access: { capability: "checklists.write" },
      params: idParams,
      body: AttachChecklist,
      response: ChecklistRun,
      status: 201,
      errors: ["checklist_already_attached", "checklist_template_inactive"],
      handle: async (ctx, { params, body }) => {
        const run = await attachChecklist(ctx, params.id, body.template_id);
        return runView(run.run, run.items, run.templateItems);
      },
    }),
    route({
      method: "get",
      path: "/bookings/:id/checklist",
      tag,
      summary: "Get a booking's checklist (the open one, else the latest) with the state of each item",
      access: { capability: "checklists.read" },
      params: idParams,
      response: ChecklistRun,
      handle: async (ctx, { params }) => {
        const booking = await findBooking(ctx.em, params.id);
        const run = await runDetails(ctx.em, await bookingRun(ctx.em, booking.id));
        return runView(run.run, run.items, run.templateItems);
      },
    }),
  ],
};
