import { p, type InferEntity } from "@mikro-orm/core";
import { defineOrgEntity, orgFk } from "../base/org-scoped.ts";
import { uuidPrimaryKey } from "../base/primary-key.ts";
import { Booking } from "../bookings/booking.ts";
import { ClientUser } from "../clients/client-user.ts";
import { DocumentTemplate } from "./document-template.ts";

/** A document rendered from a template for a client or a booking. */
export const Document = defineOrgEntity({
  name: "Document",
  tableName: "documents",
  properties: {
    id: uuidPrimaryKey(),
    template: () => p.manyToOne(DocumentTemplate).ref().nullable().foreignKeyName(orgFk("documents", "template_id")).deleteRule("set null"),
    client: () => p.manyToOne(ClientUser).ref().nullable().foreignKeyName(orgFk("documents", "client_id")).deleteRule("set null"),
    booking: () => p.manyToOne(Booking).ref().nullable().foreignKeyName(orgFk("documents", "booking_id")).deleteRule("set null"),
    title: p.text(),
    body: p.text(),
    status: p.enum(["draft", "sent", "signed"]).default("draft"),
    signedAt: p.datetime().nullable(),
    createdAt: p.datetime().defaultRaw("now()"),
    updatedAt: p
      .datetime()
      .defaultRaw("now()")
      .onUpdate(() => new Date()),
  },
  indexes: [{ properties: ["orgId", "status"] }, { properties: ["orgId", "createdAt"] }],
});

export type IDocument = InferEntity<typeof Document>;
