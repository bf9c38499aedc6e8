import {
  entities,
  keysetAfter,
  NEWEST_FIRST,
  type IBooking,
  type IChecklistRun,
  type IChecklistRunItem,
  type IChecklistTemplate,
  type IChecklistTemplateItem,
} from "@cleanops/db";
import { notFound } from "@cleanops/http";
import { LockMode } from "@mikro-orm/core";
import type { EntityManager, FilterQuery } from "@mikro-orm/postgresql";
import type { ListTemplatesInput } from "./checklists.schemas.ts";

const { Booking, ChecklistRun, ChecklistRunItem, ChecklistTemplate, ChecklistTemplateItem } = entities;

/**
 * A template of the org, or 404 (another org's id answers like a missing one). `lock` (inside a mutation) takes the
 * row lock that serializes every change of the template's items, so two edits never compute positions from the
 * same stale list.
 */
export async function findTemplate(em: EntityManager, id: string, options: { lock?: boolean } = {}): Promise<IChecklistTemplate> {
  const template = await em.findOne(ChecklistTemplate, { id }, options.lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {});
  if (!template) throw notFound("No such checklist template.");
  return template;
}

/** The items of a template, in position order. */
export async function templateItems(em: EntityManager, templateId: string): Promise<IChecklistTemplateItem[]> {
  return em.find(ChecklistTemplateItem, { template: templateId }, { orderBy: { position: "asc" } });
}

/** An item of that template (an item id of another template, or of another org, is 404). */
export function findItem(items: readonly IChecklistTemplateItem[], itemId: string): IChecklistTemplateItem {
  const item = items.find((i) => i.id === itemId);
  if (!item) throw notFound("No such checklist item.");
  return item;
}

export type TemplateRow = { id: string; createdAt: Date; template: IChecklistTemplate; items: IChecklistTemplateItem[] };

/** A page of templates, each with its items (one query for the page's items, not one per template). */
export async function listTemplates(em: EntityManager, orgId: string, query: ListTemplatesInput): Promise<TemplateRow[]> {
  const where: FilterQuery<IChecklistTemplate>[] = [keysetAfter<IChecklistTemplate>("checklist_templates", orgId, query.cursor)];
  if (query.active !== undefined) where.push({ active: query.active });
  const templates = await em.find(ChecklistTemplate, { $and: where }, { orderBy: NEWEST_FIRST, limit: query.limit + 1 });
  const items =
    templates.length === 0
      ? []
      : await em.find(ChecklistTemplateItem, { template: { $in: templates.map((t) => t.id) } }, { orderBy: { position: "asc" } });
  return templates.map((template) => ({
    id: template.id,
    createdAt: template.createdAt,
    template,
    items: items.filter((i) => i.template.id === template.id),
  }));
}

/** A booking of the org, or 404. */
export async function findBooking(em: EntityManager, id: string): Promise<IBooking> {
  const booking = await em.findOne(Booking, { id });
  if (!booking) throw notFound("No such booking.");
  return booking;
}

/**
 * Locks a booking of the org (404 when it is not one), which serializes attaching checklists to it. Its client and
 * team are loaded too: creating a row that references the booking cascades the persist through the booking into
 * them, and the tenant guard stamps the org on whatever that reaches, so an unloaded reference there would become
 * an update by id alone, which the guard refuses.
 */
export async function lockBooking(em: EntityManager, id: string): Promise<IBooking> {
  const booking = await em.findOne(Booking, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!booking) throw notFound("No such booking.");
  await em.populate(booking, ["client", "team"]);
  return booking;
}

export async function openRunOf(em: EntityManager, bookingId: string): Promise<IChecklistRun | null> {
  return em.findOne(ChecklistRun, { booking: bookingId, status: "open" });
}

/** The booking's checklist: its open run, else the latest completed one; 404 when none was ever attached. */
export async function bookingRun(em: EntityManager, bookingId: string): Promise<IChecklistRun> {
  const run = (await openRunOf(em, bookingId)) ?? (await em.findOne(ChecklistRun, { booking: bookingId }, { orderBy: NEWEST_FIRST }));
  if (!run) throw notFound("No checklist is attached to this booking.");
  return run;
}

export type RunDetails = { run: IChecklistRun; items: IChecklistRunItem[]; templateItems: Map<string, IChecklistTemplateItem> };

/** A run with its items and the template items they fill in (label, required, position). */
export async function runDetails(em: EntityManager, run: IChecklistRun): Promise<RunDetails> {
  const items = await em.find(ChecklistRunItem, { run: run.id });
  const tItems = await em.find(ChecklistTemplateItem, { id: { $in: items.map((i) => i.templateItem.id) } });
  return { run, items, templateItems: new Map(tItems.map((t) => [t.id, t])) };
}
