import { pageQuery } from "@cleanops/http";
import { z } from "zod";
import { cents, currency, email, id, isoTime, longText, phone, queryBoolean, text } from "../../kernel/schemas.ts";
import { CHAT_CHANNEL_VALUES, CHAT_FROM_VALUES, LEAD_SOURCE_VALUES, LEAD_STATUS_VALUES } from "./leads.rules.ts";

export const CreateLead = z
  .object({
    name: text(200),
    email: email().optional(),
    phone: phone().optional(),
    source: z.enum(LEAD_SOURCE_VALUES).optional().meta({ description: "Default web" }),
    referred_by_client_id: id().optional().meta({ description: "The client who referred this lead (earns a credit when it is won)" }),
    notes: longText(5000).optional(),
  })
  .strict();

export const UpdateLead = z
  .object({
    name: text(200),
    email: email().nullable(),
    phone: phone().nullable(),
    source: z.enum(LEAD_SOURCE_VALUES),
    notes: longText(5000).nullable(),
  })
  .partial()
  .strict();

export const ChangeLeadStatus = z
  .object({
    status: z.enum(LEAD_STATUS_VALUES),
    credit_cents: cents().min(1).optional().meta({ description: "When won: the referrer's credit (default 2000)" }),
    currency: currency().optional().meta({ description: "When won: the credit's currency (default EUR)" }),
  })
  .strict()
  .refine((b) => b.status === "won" || (b.credit_cents === undefined && b.currency === undefined), {
    error: "credit_cents and currency go with status won only",
    path: ["credit_cents"],
  });

export const ListLeadsQuery = pageQuery.extend({ status: z.enum(LEAD_STATUS_VALUES).optional() });

export const ListCreditsQuery = pageQuery.extend({
  client_id: id().optional(),
  redeemable: queryBoolean().meta({ description: "Only credits granted and not yet redeemed on an invoice" }),
});

export const Lead = z
  .object({
    id: id(),
    name: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    source: z.enum(LEAD_SOURCE_VALUES),
    status: z.enum(LEAD_STATUS_VALUES),
    referred_by_client_id: id().nullable(),
    converted_client_id: id().nullable().meta({ description: "The client a won lead became" }),
    notes: z.string().nullable(),
    created_at: isoTime(),
    updated_at: isoTime(),
  })
  .meta({ id: "Lead" });

export const ReferralCredit = z
  .object({
    id: id(),
    client_id: id(),
    lead_id: id().nullable(),
    amount_cents: z.number().int(),
    currency: z.string(),
    status: z.enum(["pending", "granted", "redeemed"]),
    redeemed_invoice_id: id().nullable(),
    created_at: isoTime(),
  })
  .meta({ id: "ReferralCredit" });

export const LeadStatusChange = z
  .object({ lead: Lead, referral_credit: ReferralCredit.nullable() })
  .meta({ id: "LeadStatusChange", description: "The lead, and the referral credit a win granted" });

export const CreateChatSession = z
  .object({
    channel: z.enum(CHAT_CHANNEL_VALUES).optional().meta({ description: "Default web" }),
    lead_id: id().optional(),
    client_id: id().optional(),
  })
  .strict();

export const AddChatMessage = z.object({ from: z.enum(CHAT_FROM_VALUES), text: longText(4000) }).strict();

export const LinkChatSession = z
  .object({ lead_id: id().optional(), client_id: id().optional() })
  .strict()
  .refine((b) => b.lead_id !== undefined || b.client_id !== undefined, { error: "give lead_id or client_id", path: ["lead_id"] });

export const ChatMessage = z
  .object({ from: z.enum(CHAT_FROM_VALUES), text: z.string(), at: isoTime(), user_id: id().nullable() })
  .meta({ id: "ChatMessage" });

export const ChatSession = z
  .object({
    id: id(),
    channel: z.enum(CHAT_CHANNEL_VALUES),
    lead_id: id().nullable(),
    client_id: id().nullable(),
    status: z.enum(["open", "closed"]),
    messages: z.array(ChatMessage),
    closed_at: isoTime().nullable(),
    created_at: isoTime(),
    updated_at: isoTime(),
  })
  .meta({ id: "ChatSession" });

export type CreateLeadInput = z.output<typeof CreateLead>;
export type UpdateLeadInput = z.output<typeof UpdateLead>;
export type ChangeLeadStatusInput = z.output<typeof ChangeLeadStatus>;
export type ListLeadsInput = z.output<typeof ListLeadsQuery>;
export type ListCreditsInput = z.output<typeof ListCreditsQuery>;
export type CreateChatSessionInput = z.output<typeof CreateChatSession>;
export type AddChatMessageInput = z.output<typeof AddChatMessage>;
export type LinkChatSessionInput = z.output<typeof LinkChatSession>;
