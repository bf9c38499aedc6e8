import { p, type InferEntity } from "@mikro-orm/core";
import { defineOrgEntity, orgFk } from "../base/org-scoped.ts";
import { uuidPrimaryKey } from "../base/primary-key.ts";
import { ClientUser } from "../clients/client-user.ts";
import { Lead } from "./lead.ts";

/** A website (or SMS, WhatsApp, email) conversation with a lead or a client. */
export const ChatSession = defineOrgEntity({
  name: "ChatSession",
  tableName: "chat_sessions",
  properties: {
    id: uuidPrimaryKey(),
    lead: () => p.manyToOne(Lead).ref().nullable().foreignKeyName(orgFk("chat_sessions", "lead_id")).deleteRule("set null"),
    client: () => p.manyToOne(ClientUser).ref().nullable().foreignKeyName(orgFk("chat_sessions", "client_id")).deleteRule("set null"),
    channel: p.enum(["web", "sms", "whatsapp", "email"]).default("web"),
    messages: p.json<Record<string, unknown>[]>().defaultRaw("'[]'::jsonb").check("jsonb_typeof(messages) = 'array'"),
    status: p.enum(["open", "closed"]).default("open"),
    closedAt: p.datetime().nullable(),
    createdAt: p.datetime().defaultRaw("now()"),
    updatedAt: p
      .datetime()
      .defaultRaw("now()")
      .onUpdate(() => new Date()),
  },
  indexes: [{ properties: ["orgId", "status"] }, { properties: ["orgId", "createdAt"] }],
});

export type IChatSession = InferEntity<typeof ChatSession>;
