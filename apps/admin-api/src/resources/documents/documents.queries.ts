import { entities, keysetAfter, NEWEST_FIRST, type IDocument, type IDocumentTemplate } from "@cleanops/db";
import { notFound } from "@cleanops/http";
import { LockMode } from "@mikro-orm/core";
import type { EntityManager, FilterQuery } from "@mikro-orm/postgresql";
import type { ListDocumentsInput, ListTemplatesInput } from "./documents.schemas.ts";

const { Document, DocumentTemplate } = entities;

const lockIf = (lock?: boolean) => (lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {});

export async function findTemplate(em: EntityManager, id: string, options: { lock?: boolean } = {}): Promise<IDocumentTemplate> {
  const template = await em.findOne(DocumentTemplate, { id }, lockIf(options.lock));
  if (!template) throw notFound("No such document template.");
  return template;
}

export async function findDocument(em: EntityManager, id: string, options: { lock?: boolean } = {}): Promise<IDocument> {
  const doc = await em.findOne(Document, { id }, lockIf(options.lock));
  if (!doc) throw notFound("No such document.");
  return doc;
}

export async function listTemplates(em: EntityManager, orgId: string, q: ListTemplatesInput): Promise<IDocumentTemplate[]> {
  return em.find(DocumentTemplate, keysetAfter<IDocumentTemplate>("document_templates", orgId, q.cursor), {
    orderBy: NEWEST_FIRST,
    limit: q.limit + 1,
  });
}

export async function listDocuments(em: EntityManager, orgId: string, q: ListDocumentsInput): Promise<IDocument[]> {
  const where: FilterQuery<IDocument>[] = [keysetAfter<IDocument>("documents", orgId, q.cursor)];
  if (q.status) where.push({ status: q.status });
  if (q.client_id) where.push({ client: q.client_id });
  return em.find(Document, { $and: where }, { orderBy: NEWEST_FIRST, limit: q.limit + 1 });
}
