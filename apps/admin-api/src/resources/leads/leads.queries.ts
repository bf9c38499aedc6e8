import { entities, keysetAfter, NEWEST_FIRST, type IChatSession, type ILead, type IReferralCredit } from "@cleanops/db";
import { notFound } from "@cleanops/http";
import { LockMode } from "@mikro-orm/core";
import type { EntityManager, FilterQuery } from "@mikro-orm/postgresql";
import type { ListCreditsInput, ListLeadsInput } from "./leads.schemas.ts";

const { ChatSession, Lead, ReferralCredit } = entities;

const lockIf = (lock?: boolean) => (lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {});

export async function findLead(em: EntityManager, id: string, options: { lock?: boolean } = {}): Promise<ILead> {
  const lead = await em.findOne(Lead, { id }, lockIf(options.lock));
  if (!lead) throw notFound("No such lead.");
  return lead;
}

export async function findChat(em: EntityManager, id: string, options: { lock?: boolean } = {}): Promise<IChatSession> {
  const chat = await em.findOne(ChatSession, { id }, lockIf(options.lock));
  if (!chat) throw notFound("No such chat session.");
  return chat;
}

export async function listLeads(em: EntityManager, orgId: string, q: ListLeadsInput): Promise<ILead[]> {
  const where: FilterQuery<ILead>[] = [keysetAfter<ILead>("leads", orgId, q.cursor)];
  if (q.status) where.push({ status: q.status });
  return em.find(Lead, { $and: where }, { orderBy: NEWEST_FIRST, limit: q.limit + 1 });
}

export async function listCredits(em: EntityManager, orgId: string, q: ListCreditsInput): Promise<IReferralCredit[]> {
  const where: FilterQuery<IReferralCredit>[] = [keysetAfter<IReferralCredit>("referral_credits", orgId, q.cursor)];
  if (q.client_id) where.push({ client: q.client_id });
  if (q.redeemable) where.push({ status: "granted", redeemedInvoice: null });
  return em.find(ReferralCredit, { $and: where }, { orderBy: NEWEST_FIRST, limit: q.limit + 1 });
}
