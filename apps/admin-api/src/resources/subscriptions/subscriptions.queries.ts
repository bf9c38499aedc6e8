import { entities, keysetAfter, NEWEST_FIRST, type ISubscription } from "@cleanops/db";
import { notFound } from "@cleanops/http";
import { LockMode } from "@mikro-orm/core";
import type { EntityManager, FilterQuery } from "@mikro-orm/postgresql";
import type { ListSubscriptionsInput } from "./subscriptions.schemas.ts";

const { Subscription } = entities;

const WITH_ADDONS = ["addons", "addons.addon"] as const;

/** A plan of the org with its add-ons, or 404; `lock` takes its row lock (inside a transaction). */
export async function findSubscription(em: EntityManager, id: string, options: { lock?: boolean } = {}): Promise<ISubscription> {
  // FOR UPDATE cannot lock the outer-joined side of a populate: lock the row alone, then load its add-ons.
  const plan = await em.findOne(Subscription, { id }, options.lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {});
  if (!plan) throw notFound("No such subscription.");
  await em.populate(plan, WITH_ADDONS);
  return plan;
}

export async function listSubscriptions(em: EntityManager, orgId: string, q: ListSubscriptionsInput): Promise<ISubscription[]> {
  const where: FilterQuery<ISubscription>[] = [keysetAfter<ISubscription>("subscriptions", orgId, q.cursor)];
  if (q.status) where.push({ status: q.status });
  if (q.client_id) where.push({ client: q.client_id });
  return em.find(Subscription, { $and: where }, { orderBy: NEWEST_FIRST, limit: q.limit + 1, populate: WITH_ADDONS });
}
