import type { IDocument, IDocumentTemplate } from "@cleanops/db";
import { placeholdersIn } from "./documents.rules.ts";

export function templateView(t: IDocumentTemplate) {
  return {
    id: t.id,
    name: t.name,
    kind: t.kind,
    body: t.body,
    version: t.version,
    placeholders: placeholdersIn(t.body),
    created_at: t.createdAt.toISOString(),
  };
}

export function documentView(d: IDocument) {
  return {
    id: d.id,
    template_id: d.template?.id ?? null,
    client_id: d.client?.id ?? null,
    booking_id: d.booking?.id ?? null,
    title: d.title,
    body: d.body,
    status: d.status,
    signed_at: d.signedAt ? d.signedAt.toISOString() : null,
    created_at: d.createdAt.toISOString(),
    updated_at: d.updatedAt.toISOString(),
  };
}

/** The audit log keeps a document's facts, not its rendered text (which holds the client's details). */
export const documentAuditView = (d: IDocument) => {
  const { body, ...rest } = documentView(d);
  return { ...rest, body_length: body.length };
};
