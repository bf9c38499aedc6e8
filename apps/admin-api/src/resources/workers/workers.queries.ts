import { entities, keysetAfter, NEWEST_FIRST, type IWorker } from "@cleanops/db";
import { notFound } from "@cleanops/http";
import type { EntityManager, FilterQuery } from "@mikro-orm/postgresql";
import type { ListWorkersInput } from "./workers.schemas.ts";

const { Worker } = entities;

/** A worker of the org, or 404 (another org's id answers exactly like a missing one). */
export async function findWorker(em: EntityManager, id: string): Promise<IWorker> {
  const worker = await em.findOne(Worker, { id });
  if (!worker) throw notFound("No such worker.");
  return worker;
}

/** The worker with this (lower-cased) email, if any: emails are unique within an org. */
export async function findWorkerByEmail(em: EntityManager, email: string): Promise<IWorker | null> {
  return em.findOne(Worker, { email });
}

export async function listWorkers(em: EntityManager, orgId: string, query: ListWorkersInput): Promise<IWorker[]> {
  const where: FilterQuery<IWorker>[] = [keysetAfter<IWorker>("workers", orgId, query.cursor)];
  if (query.team_id) where.push({ team: query.team_id });
  if (query.active !== undefined) where.push({ active: query.active });
  return em.find(Worker, { $and: where }, { orderBy: NEWEST_FIRST, limit: query.limit + 1 });
}
