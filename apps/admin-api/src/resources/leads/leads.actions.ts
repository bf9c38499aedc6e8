import { entities, type IChatSession, type ILead, type IReferralCredit } from "@cleanops/db";
import { ref } from "@mikro-orm/core";
import type { AdminContext } from "../../kernel/context.ts";
import { findClient } from "../clients/clients.queries.ts";
import { clientView } from "../clients/clients.view.ts";
import { leadErrors } from "./leads.errors.ts";
import { findChat, findLead } from "./leads.queries.ts";
import { DEFAULT_REFERRAL_CREDIT, MAX_CHAT_MESSAGES, transitionRefusal } from "./leads.rules.ts";
import type {
  AddChatMessageInput,
  ChangeLeadStatusInput,
  CreateChatSessionInput,
  CreateLeadInput,
  LinkChatSessionInput,
  UpdateLeadInput,
} from "./leads.schemas.ts";
import { chatAuditView, creditView, leadView, type StoredChatMessage } from "./leads.view.ts";

const { ChatSession, ClientUser, Lead, ReferralCredit } = entities;

export async function createLead(ctx: AdminContext, input: CreateLeadInput): Promise<ILead> {
  return ctx.mutate(async (tx, audit) => {
    // The referrer must be a client of this org: another org's id is 404 like a missing one.
    const referrer = input.referred_by_client_id ? await findClient(tx, input.referred_by_client_id) : null;
    const lead = tx.create(Lead, {
      name: input.name,
      email: input.email ?? null,
      phone: input.phone ?? null,
      source: input.source ?? (referrer ? "referral" : "web"),
      status: "new",
      referredByClient: referrer,
      notes: input.notes ?? null,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    });
    audit.created("lead", lead.id, leadView(lead));
    return lead;
  });
}

export async function updateLead(ctx: AdminContext, id: string, input: UpdateLeadInput): Promise<ILead> {
  return ctx.mutate(async (tx, audit) => {
    const lead = await findLead(tx, id, { lock: true });
    const before = leadView(lead);
    tx.assign(lead, {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.email !== undefined ? { email: input.email } : {}),
      ...(input.phone !== undefined ? { phone: input.phone } : {}),
      ...(input.source !== undefined ? { source: input.source } : {}),
      ...(input.notes !== undefined ? { notes: input.notes } : {}),
    });
    lead.updatedAt = ctx.now;
    audit.updated("lead", lead.id, before, leadView(lead));
    return lead;
  });
}

/**
 * Moves a lead along the pipeline. Winning converts it, in the same transaction and under the lead's row lock: a
 * client is created from its details and linked (`converted_client_id`), and a referred lead grants its referrer a
 * credit (status granted; one per lead, a unique key). Won is final, so neither can happen twice.
 */
export async function changeLeadStatus(
  ctx: AdminContext,
  id: string,
  input: ChangeLeadStatusInput,
): Promise<{ lead: ILead; credit: IReferralCredit | null }> {
  return ctx.mutate(async (tx, audit) => {
    const lead = await findLead(tx, id, { lock: true });
    const refusal = transitionRefusal(lead.status, input.status);
    if (refusal) throw leadErrors.invalid_transition(refusal, { details: { from: lead.status, to: input.status } });
    const before = leadView(lead);
    lead.status = input.status;
    lead.updatedAt = ctx.now;
    let credit: IReferralCredit | null = null;
    if (input.status === "won" && !lead.convertedClient) {
      const client = tx.create(ClientUser, {
        name: lead.name,
        email: lead.email ?? null,
        phone: lead.phone ?? null,
        address: null,
        notes: lead.notes ?? null,
        createdAt: ctx.now,
        updatedAt: ctx.now,
      });
      audit.record({
        action: "client.created",
        entityType: "client",
        entityId: client.id,
        changes: { after: clientView(client), from_lead_id: lead.id },
      });
      lead.convertedClient = ref(client);
      if (lead.referredByClient) {
        credit = tx.create(ReferralCredit, {
          client: lead.referredByClient,
          lead,
          amountCents: input.credit_cents ?? DEFAULT_REFERRAL_CREDIT.amount_cents,
          currency: input.currency ?? DEFAULT_REFERRAL_CREDIT.currency,
          status: "granted",
          createdAt: ctx.now,
          updatedAt: ctx.now,
        });
        audit.created("referral_credit", credit.id, creditView(credit));
      }
    }
    audit.updated("lead", lead.id, before, leadView(lead), `lead.${input.status}`);
    return { lead, credit };
  });
}

export async function createChat(ctx: AdminContext, input: CreateChatSessionInput): Promise<IChatSession> {
  return ctx.mutate(async (tx, audit) => {
    const lead = input.lead_id ? await findLead(tx, input.lead_id) : null;
    const client = input.client_id ? await findClient(tx, input.client_id) : null;
    const chat = tx.create(ChatSession, {
      channel: input.channel ?? "web",
      lead,
      client,
      messages: [],
      status: "open",
      createdAt: ctx.now,
      updatedAt: ctx.now,
    });
    audit.created("chat_session", chat.id, chatAuditView(chat));
    return chat;
  });
}

/** Appends under the session's row lock, so two messages sent at once both stay (neither rewrite loses the other). */
export async function addChatMessage(ctx: AdminContext, id: string, input: AddChatMessageInput): Promise<IChatSession> {
  return ctx.mutate(async (tx, audit) => {
    const chat = await findChat(tx, id, { lock: true });
    if (chat.status === "closed") throw leadErrors.chat_closed();
    const messages = chat.messages as StoredChatMessage[];
    if (messages.length >= MAX_CHAT_MESSAGES) throw leadErrors.chat_full();
    const message: StoredChatMessage = {
      from: input.from,
      text: input.text,
      at: ctx.now.toISOString(),
      user_id: input.from === "staff" ? ctx.principal.userId : null,
    };
    chat.messages = [...messages, message];
    chat.updatedAt = ctx.now;
    audit.record({
      action: "chat_session.message_added",
      entityType: "chat_session",
      entityId: chat.id,
      changes: { from: input.from, message_count: messages.length + 1 },
    });
    return chat;
  });
}

export async function linkChat(ctx: AdminContext, id: string, input: LinkChatSessionInput): Promise<IChatSession> {
  return ctx.mutate(async (tx, audit) => {
    const chat = await findChat(tx, id, { lock: true });
    const before = chatAuditView(chat);
    if (input.lead_id) chat.lead = ref(await findLead(tx, input.lead_id));
    if (input.client_id) chat.client = ref(await findClient(tx, input.client_id));
    chat.updatedAt = ctx.now;
    audit.updated("chat_session", chat.id, before, chatAuditView(chat), "chat_session.linked");
    return chat;
  });
}

/** Closing twice changes nothing. */
export async function closeChat(ctx: AdminContext, id: string): Promise<IChatSession> {
  return ctx.mutate(async (tx, audit) => {
    const chat = await findChat(tx, id, { lock: true });
    if (chat.status === "closed") return chat;
    const before = chatAuditView(chat);
    chat.status = "closed";
    chat.closedAt = ctx.now;
    chat.updatedAt = ctx.now;
    audit.updated("chat_session", chat.id, before, chatAuditView(chat), "chat_session.closed");
    return chat;
  });
}
