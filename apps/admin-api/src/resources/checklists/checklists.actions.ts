import { randomUUID } from "node:crypto";
import { entities, type IChecklistTemplate, type IChecklistTemplateItem } from "@cleanops/db";
import { raw } from "@mikro-orm/core";
import type { EntityManager } from "@mikro-orm/postgresql";
import type { AdminContext } from "../../kernel/context.ts";
import { checklistErrors } from "./checklists.errors.ts";
import { findItem, lockBooking, findTemplate, openRunOf, templateItems, type RunDetails } from "./checklists.queries.ts";
import { checkReorder, orderAfterInsert, orderAfterRemove, renumberPlan } from "./checklists.rules.ts";
import type { AddItemInput, CreateTemplateInput, UpdateItemInput, UpdateTemplateInput } from "./checklists.schemas.ts";
import { templateItemView, templateView } from "./checklists.view.ts";

const { ChecklistRun, ChecklistRunItem, ChecklistTemplate, ChecklistTemplateItem } = entities;

export type TemplateWithItems = { template: IChecklistTemplate; items: IChecklistTemplateItem[] };

/**
 * Gives `items` the positions of `order`. The unique key (template_id, position) is checked row by row, so moving
 * the items straight to their new places would collide: the moving ones (and `extraPark`, an item about to be
 * deleted, whose place one of them takes) are first parked above every position by one UPDATE statement, then the
 * mutation's single flush puts each in place. Both run in the mutation's transaction: nobody sees the parked state,
 * and the audit row is written by that same flush.
 */
async function renumber(
  tx: EntityManager,
  templateId: string,
  items: readonly IChecklistTemplateItem[],
  order: readonly string[],
  extraPark: readonly string[] = [],
): Promise<void> {
  const plan = renumberPlan(items, order, extraPark);
  if (plan.park.length > 0) {
    await tx.nativeUpdate(
      ChecklistTemplateItem,
      { template: templateId, id: { $in: plan.park } },
      { position: raw("position + ?", [plan.base]) },
    );
  }
  const byId = new Map(items.map((i) => [i.id, i]));
  for (const move of plan.final) {
    const item = byId.get(move.id);
    if (item) item.position = move.position;
  }
}

// A duplicate name is refused by the unique key (org_id, name): 409 already_exists.
export async function createTemplate(ctx: AdminContext, input: CreateTemplateInput): Promise<TemplateWithItems> {
  // Nothing to await before the inserts: the mutation's flush writes them.
  return ctx.mutate((tx, audit) => {
    const template = tx.create(ChecklistTemplate, { name: input.name, active: true, createdAt: ctx.now, updatedAt: ctx.now });
    const items = (input.items ?? []).map((item, position) =>
      tx.create(ChecklistTemplateItem, { template, label: item.label, required: item.required ?? true, position }),
    );
    audit.created("checklist_template", template.id, templateView(template, items));
    return Promise.resolve({ template, items });
  });
}

export async function updateTemplate(ctx: AdminContext, id: string, input: UpdateTemplateInput): Promise<TemplateWithItems> {
  return ctx.mutate(async (tx, audit) => {
    const template = await findTemplate(tx, id);
    const items = await templateItems(tx, id);
    const before = templateView(template, items);
    tx.assign(template, {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.active !== undefined ? { active: input.active } : {}),
    });
    audit.updated("checklist_template", template.id, before, templateView(template, items));
    return { template, items };
  });
}

/** Inserts an item at `position` (appends without one); the items from there on move down one place. */
export async function addItem(ctx: AdminContext, templateId: string, input: AddItemInput): Promise<TemplateWithItems> {
  return ctx.mutate(async (tx, audit) => {
    const template = await findTemplate(tx, templateId, { lock: true });
    const items = await templateItems(tx, templateId);
    const before = templateView(template, items).items;
    // The id is chosen first so the new row has its place in the order; it is created only once the others made room.
    const newId = randomUUID();
    const order = orderAfterInsert(
      items.map((i) => i.id),
      newId,
      input.position,
    );
    await renumber(tx, template.id, items, order);
    const item = tx.create(ChecklistTemplateItem, {
      id: newId,
      template,
      label: input.label,
      required: input.required ?? true,
      position: order.indexOf(newId),
    });
    const after = [...items, item];
    audit.record({
      action: "checklist_template.item_added",
      entityType: "checklist_template",
      entityId: template.id,
      changes: { item: templateItemView(item), before: { items: before }, after: { items: templateView(template, after).items } },
    });
    return { template, items: after };
  });
}

export async function updateItem(
  ctx: AdminContext,
  templateId: string,
  itemId: string,
  input: UpdateItemInput,
): Promise<TemplateWithItems> {
  return ctx.mutate(async (tx, audit) => {
    const template = await findTemplate(tx, templateId);
    const items = await templateItems(tx, templateId);
    const item = findItem(items, itemId);
    const before = templateItemView(item);
    tx.assign(item, {
      ...(input.label !== undefined ? { label: input.label } : {}),
      ...(input.required !== undefined ? { required: input.required } : {}),
    });
    audit.updated("checklist_template", template.id, { item: before }, { item: templateItemView(item) }, "checklist_template.item_updated");
    return { template, items };
  });
}

/**
 * Removes an item; the ones after it move up, so positions stay dense. An item that a booking's checklist already
 * records is kept (409 checklist_item_in_use): the run would lose what was checked.
 */
export async function removeItem(ctx: AdminContext, templateId: string, itemId: string): Promise<TemplateWithItems> {
  return ctx.mutate(async (tx, audit) => {
    const template = await findTemplate(tx, templateId, { lock: true });
    const items = await templateItems(tx, templateId);
    const item = findItem(items, itemId);
    if ((await tx.count(ChecklistRunItem, { templateItem: item.id })) > 0) throw checklistErrors.checklist_item_in_use();
    const before = templateView(template, items).items;
    const rest = items.filter((i) => i.id !== item.id);
    await renumber(
      tx,
      template.id,
      rest,
      orderAfterRemove(
        items.map((i) => i.id),
        item.id,
      ),
      [item.id],
    );
    tx.remove(item);
    audit.record({
      action: "checklist_template.item_removed",
      entityType: "checklist_template",
      entityId: template.id,
      changes: { item: templateItemView(item), before: { items: before }, after: { items: templateView(template, rest).items } },
    });
    return { template, items: rest };
  });
}

/** Puts the items in the order of `itemIds`, which must name every item of the template once (422 invalid_order). */
export async function reorderItems(ctx: AdminContext, templateId: string, itemIds: readonly string[]): Promise<TemplateWithItems> {
  return ctx.mutate(async (tx, audit) => {
    const template = await findTemplate(tx, templateId, { lock: true });
    const items = await templateItems(tx, templateId);
    const check = checkReorder(
      items.map((i) => i.id),
      itemIds,
    );
    if (!check.ok) {
      throw checklistErrors.invalid_order(undefined, {
        details: { missing: check.missing, unknown: check.unknown, duplicates: check.duplicates },
      });
    }
    const before = templateView(template, items).items;
    await renumber(tx, template.id, items, check.order);
    const after = templateView(template, items).items;
    audit.updated("checklist_template", template.id, { items: before }, { items: after }, "checklist_template.items_reordered");
    return { template, items };
  });
}

/**
 * Attaches a template to a booking: a run (open, no worker yet) with one row per template item. The booking's row
 * lock makes "at most one open run per booking" hold under concurrent requests too.
 */
export async function attachChecklist(ctx: AdminContext, bookingId: string, templateId: string): Promise<RunDetails> {
  return ctx.mutate(async (tx, audit) => {
    const booking = await lockBooking(tx, bookingId);
    const template = await findTemplate(tx, templateId);
    if (await openRunOf(tx, booking.id)) throw checklistErrors.checklist_already_attached();
    if (!template.active) throw checklistErrors.checklist_template_inactive();
    const tItems = await templateItems(tx, template.id);
    const run = tx.create(ChecklistRun, {
      template,
      booking,
      worker: null,
      status: "open",
      completedAt: null,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    });
    const items = tItems.map((templateItem) =>
      tx.create(ChecklistRunItem, { run, templateItem, checked: false, note: null, checkedAt: null }),
    );
    audit.record({
      action: "checklist_run.created",
      entityType: "checklist_run",
      entityId: run.id,
      changes: { after: { booking_id: booking.id, template_id: template.id, items: items.length } },
    });
    return { run, items, templateItems: new Map(tItems.map((t) => [t.id, t])) };
  });
}
