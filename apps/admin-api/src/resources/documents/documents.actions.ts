import { entities, type IClientUser, type IDocument, type IDocumentTemplate } from "@cleanops/db";
import { validationFailed } from "@cleanops/http";
import type { AdminContext } from "../../kernel/context.ts";
import { findBooking } from "../bookings/bookings.queries.ts";
import { findClient } from "../clients/clients.queries.ts";
import { documentErrors } from "./documents.errors.ts";
import { findDocument, findTemplate } from "./documents.queries.ts";
import { renderTemplate, sourcesNeeded, transitionRefusal, unknownPlaceholders } from "./documents.rules.ts";
import type { CreateDocumentInput, CreateTemplateInput, UpdateTemplateInput } from "./documents.schemas.ts";
import { documentAuditView, templateView } from "./documents.view.ts";

const { Document, DocumentTemplate, Organization } = entities;

/** 422 `unknown_placeholder` naming every placeholder of `body` outside the fixed list. */
function assertKnownPlaceholders(body: string): void {
  const unknown = unknownPlaceholders(body);
  if (unknown.length > 0) {
    throw documentErrors.unknown_placeholder(`Unknown placeholders: ${unknown.map((n) => `{{${n}}}`).join(", ")}.`, {
      details: { unknown },
    });
  }
}

export async function createTemplate(ctx: AdminContext, input: CreateTemplateInput): Promise<IDocumentTemplate> {
  assertKnownPlaceholders(input.body);
  return ctx.mutate((tx, audit) => {
    const template = tx.create(DocumentTemplate, { name: input.name, kind: input.kind, body: input.body, version: 1, createdAt: ctx.now });
    audit.created("document_template", template.id, templateView(template));
    return Promise.resolve(template);
  });
}

/**
 * Changes a template and bumps its version (under its row lock, so two edits give two versions). Documents already
 * rendered keep their text: a document is a copy, not a view of its template.
 */
export async function updateTemplate(ctx: AdminContext, id: string, input: UpdateTemplateInput): Promise<IDocumentTemplate> {
  if (input.body !== undefined) assertKnownPlaceholders(input.body);
  return ctx.mutate(async (tx, audit) => {
    const template = await findTemplate(tx, id, { lock: true });
    const before = templateView(template);
    tx.assign(template, {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.kind !== undefined ? { kind: input.kind } : {}),
      ...(input.body !== undefined ? { body: input.body } : {}),
    });
    template.version += 1;
    audit.updated("document_template", template.id, before, templateView(template));
    return template;
  });
}

const unavailable = (field: string, message: string) =>
  validationFailed(`Invalid ${field}.`, { details: { issues: [{ in: "body", path: [field], code: "invalid", message }] } });

/**
 * Renders a template for a client and/or a booking (the booking's client when no client is given). A template that
 * uses `client.*` or `booking.*` placeholders needs that record: 422 `placeholder_unavailable` otherwise. An empty
 * field of a record (a client without email) renders as nothing.
 */
export async function createDocument(ctx: AdminContext, input: CreateDocumentInput): Promise<IDocument> {
  return ctx.mutate(async (tx, audit) => {
    const template = await findTemplate(tx, input.template_id);
    const booking = input.booking_id ? await findBooking(tx, input.booking_id) : null;
    let client: IClientUser | null = input.client_id ? await findClient(tx, input.client_id) : null;
    if (booking) {
      if (client && client.id !== booking.client.id) throw unavailable("booking_id", "the booking is for another client");
      client ??= await findClient(tx, booking.client.id);
    }
    const needs = sourcesNeeded(template.body);
    const missing = [...(needs.client && !client ? ["client_id"] : []), ...(needs.booking && !booking ? ["booking_id"] : [])];
    if (missing.length > 0) {
      throw documentErrors.placeholder_unavailable(`The template needs ${missing.join(" and ")}.`, { details: { missing } });
    }
    const org = await tx.findOneOrFail(Organization, { orgId: ctx.orgId });
    const body = renderTemplate(template.body, {
      "client.name": client?.name,
      "client.email": client?.email,
      "client.address": client?.address,
      "booking.starts_at": booking?.startsAt.toISOString(),
      "booking.address": booking?.address,
      "org.name": org.name,
    });
    const doc = tx.create(Document, {
      template,
      client,
      booking,
      title: input.title ?? template.name,
      body,
      status: "draft",
      createdAt: ctx.now,
      updatedAt: ctx.now,
    });
    audit.created("document", doc.id, { ...documentAuditView(doc), template_version: template.version });
    return doc;
  });
}

/** draft → sent → signed; signing stamps `signed_at`. */
export async function moveDocument(ctx: AdminContext, id: string, to: "sent" | "signed"): Promise<IDocument> {
  return ctx.mutate(async (tx, audit) => {
    const doc = await findDocument(tx, id, { lock: true });
    const refusal = transitionRefusal(doc.status, to);
    if (refusal) throw documentErrors.invalid_transition(refusal, { details: { from: doc.status, to } });
    const before = documentAuditView(doc);
    doc.status = to;
    if (to === "signed") doc.signedAt = ctx.now;
    doc.updatedAt = ctx.now;
    audit.updated("document", doc.id, before, documentAuditView(doc), `document.${to}`);
    return doc;
  });
}
