import { entities, keysetAfter, NEWEST_FIRST, type IClientUser } from "@cleanops/db";
import { notFound } from "@cleanops/http";
import type { EntityManager, FilterQuery } from "@mikro-orm/postgresql";
import type { ListClientsInput } from "./clients.schemas.ts";

const { ClientUser } = entities;

/** A client of the org, or 404 (another org's id answers exactly like a missing one). */
export async function findClient(em: EntityManager, id: string): Promise<IClientUser> {
  const client = await em.findOne(ClientUser, { id });
  if (!client) throw notFound("No such client.");
  return client;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function listClients(em: EntityManager, orgId: string, query: ListClientsInput): Promise<IClientUser[]> {
  const where: FilterQuery<IClientUser>[] = [keysetAfter<IClientUser>("client_users", orgId, query.cursor)];
  if (!query.include_archived) where.push({ archivedAt: null });
  if (query.q) {
    const pattern = `%${escapeLike(query.q)}%`;
    where.push({ $or: [{ name: { $ilike: pattern } }, { email: { $ilike: pattern } }, { phone: { $ilike: pattern } }] });
  }
  return em.find(ClientUser, { $and: where }, { orderBy: NEWEST_FIRST, limit: query.limit + 1 });
}
