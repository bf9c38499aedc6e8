import { pageQuery } from "@cleanops/http";
import { z } from "zod";
import { id, isoTime, queryBoolean, text } from "../../kernel/schemas.ts";

/** A checklist is read on a phone during a job: a few dozen items, never thousands. */
export const MAX_ITEMS = 200;

const NewItem = z
  .object({
    label: text(300),
    required: z.boolean().optional(),
  })
  .strict();

export const CreateTemplate = z
  .object({
    name: text(200),
    items: z.array(NewItem).max(MAX_ITEMS).optional(),
  })
  .strict();

export const UpdateTemplate = z
  .object({
    name: text(200),
    active: z.boolean(),
  })
  .partial()
  .strict();

export const AddItem = NewItem.extend({
  position: z.number().int().min(0).optional().meta({ description: "Where to insert (0 = first); past the end or absent appends" }),
}).strict();

export const UpdateItem = z
  .object({
    label: text(300),
    required: z.boolean(),
  })
  .partial()
  .strict();

export const ReorderItems = z
  .object({
    item_ids: z.array(id()).max(MAX_ITEMS).meta({ description: "Every item of the template, once each, in the new order" }),
  })
  .strict();

export const AttachChecklist = z.object({ template_id: id() }).strict();

export const ListTemplatesQuery = pageQuery.extend({
  active: queryBoolean().meta({ description: "Only active (true) or only inactive (false) templates" }),
});

export const itemParams = z.object({ id: id(), item_id: id() });

export const ChecklistTemplateItem = z
  .object({
    id: id(),
    label: z.string(),
    required: z.boolean(),
    position: z.number().int(),
  })
  .meta({ id: "ChecklistTemplateItem" });

export const ChecklistTemplate = z
  .object({
    id: id(),
    name: z.string(),
    active: z.boolean(),
    items: z.array(ChecklistTemplateItem).meta({ description: "Ordered by position" }),
    created_at: isoTime(),
    updated_at: isoTime(),
  })
  .meta({ id: "ChecklistTemplate" });

export const ChecklistRunItem = z
  .object({
    id: id(),
    template_item_id: id(),
    label: z.string(),
    required: z.boolean(),
    position: z.number().int(),
    checked: z.boolean(),
    note: z.string().nullable(),
    checked_at: isoTime().nullable(),
  })
  .meta({ id: "ChecklistRunItem" });

export const ChecklistRun = z
  .object({
    id: id(),
    booking_id: id(),
    template_id: id(),
    worker_id: z.string().nullable(),
    status: z.enum(["open", "completed"]),
    completed_at: isoTime().nullable(),
    items: z.array(ChecklistRunItem).meta({ description: "In the template's order" }),
    created_at: isoTime(),
    updated_at: isoTime(),
  })
  .meta({ id: "ChecklistRun" });

export type CreateTemplateInput = z.output<typeof CreateTemplate>;
export type UpdateTemplateInput = z.output<typeof UpdateTemplate>;
export type AddItemInput = z.output<typeof AddItem>;
export type UpdateItemInput = z.output<typeof UpdateItem>;
export type ListTemplatesInput = z.output<typeof ListTemplatesQuery>;
