import { entities, keysetAfter, NEWEST_FIRST, type IEmailEvent } from "@cleanops/db";
import { notFound } from "@cleanops/http";
import type { EntityManager, FilterQuery } from "@mikro-orm/postgresql";
import type { ListEmailEventsInput } from "./email-events.schemas.ts";

const { EmailEvent } = entities;

export async function findEmailEvent(em: EntityManager, id: string): Promise<IEmailEvent> {
  const event = await em.findOne(EmailEvent, { id });
  if (!event) throw notFound("No such email event.");
  return event;
}

// A booking or invoice id of another org filters to nothing, like an unknown one: the list discloses no existence.
export async function listEmailEvents(em: EntityManager, orgId: string, query: ListEmailEventsInput): Promise<IEmailEvent[]> {
  const where: FilterQuery<IEmailEvent>[] = [keysetAfter<IEmailEvent>("email_events", orgId, query.cursor)];
  if (query.status) where.push({ status: query.status });
  if (query.kind) where.push({ kind: query.kind });
  if (query.booking_id) where.push({ booking: query.booking_id });
  if (query.invoice_id) where.push({ invoice: query.invoice_id });
  if (query.from) where.push({ createdAt: { $gte: query.from } });
  if (query.to) where.push({ createdAt: { $lt: query.to } });
  return em.find(EmailEvent, { $and: where }, { orderBy: NEWEST_FIRST, limit: query.limit + 1 });
}
