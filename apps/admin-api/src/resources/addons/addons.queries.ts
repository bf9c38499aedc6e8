import { entities, keysetAfter, NEWEST_FIRST, type IAddonDefinition } from "@cleanops/db";
import { notFound } from "@cleanops/http";
import type { EntityManager, FilterQuery } from "@mikro-orm/postgresql";
import type { ListAddonsInput } from "./addons.schemas.ts";

const { AddonDefinition } = entities;

/** An add-on of the org, or 404 (another org's id answers exactly like a missing one). */
export async function findAddon(em: EntityManager, id: string): Promise<IAddonDefinition> {
  const addon = await em.findOne(AddonDefinition, { id });
  if (!addon) throw notFound("No such add-on.");
  return addon;
}

export async function listAddons(em: EntityManager, orgId: string, query: ListAddonsInput): Promise<IAddonDefinition[]> {
  const where: FilterQuery<IAddonDefinition>[] = [keysetAfter<IAddonDefinition>("addon_definitions", orgId, query.cursor)];
  if (query.active !== undefined) where.push({ active: query.active });
  return em.find(AddonDefinition, { $and: where }, { orderBy: NEWEST_FIRST, limit: query.limit + 1 });
}
