import type { IChatSession, ILead, IReferralCredit } from "@cleanops/db";

export function leadView(l: ILead) {
  return {
    id: l.id,
    name: l.name,
    email: l.email ?? null,
    phone: l.phone ?? null,
    source: l.source,
    status: l.status,
    referred_by_client_id: l.referredByClient?.id ?? null,
    converted_client_id: l.convertedClient?.id ?? null,
    notes: l.notes ?? null,
    created_at: l.createdAt.toISOString(),
    updated_at: l.updatedAt.toISOString(),
  };
}

export function creditView(c: IReferralCredit) {
  return {
    id: c.id,
    client_id: c.client.id,
    lead_id: c.lead?.id ?? null,
    amount_cents: c.amountCents,
    currency: c.currency,
    status: c.status,
    redeemed_invoice_id: c.redeemedInvoice?.id ?? null,
    created_at: c.createdAt.toISOString(),
  };
}

/** A stored message: who wrote it, when, and (for staff) which user. */
export type StoredChatMessage = { from: "client" | "staff"; text: string; at: string; user_id: string | null };

export function chatView(s: IChatSession) {
  return {
    id: s.id,
    channel: s.channel,
    lead_id: s.lead?.id ?? null,
    client_id: s.client?.id ?? null,
    status: s.status,
    messages: s.messages as StoredChatMessage[],
    closed_at: s.closedAt ? s.closedAt.toISOString() : null,
    created_at: s.createdAt.toISOString(),
    updated_at: s.updatedAt.toISOString(),
  };
}

/** What the audit log keeps of a chat: never the messages' text, only how many. */
export const chatAuditView = (s: IChatSession) => {
  const { messages, ...rest } = chatView(s);
  return { ...rest, message_count: messages.length };
};
