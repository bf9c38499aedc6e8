import { pageSchema, toPage } from "@cleanops/http";
import type { Resource } from "../../kernel/resource.ts";
import { route } from "../../kernel/route.ts";
import { idParams } from "../../kernel/schemas.ts";
import { createDocument, createTemplate, moveDocument, updateTemplate } from "./documents.actions.ts";
import { findDocument, findTemplate, listDocuments, listTemplates } from "./documents.queries.ts";
import {
  CreateDocument,
  CreateTemplate,
  Document,
  DocumentTemplate,
  ListDocumentsQuery,
  ListTemplatesQuery,
  UpdateTemplate,
} from "./documents.schemas.ts";
import { documentView, templateView } from "./documents.view.ts";

const tag = "documents";

export const documents: Resource = {
  name: tag,
  routes: [
    route({
      method: "post",
      path: "/document-templates",
      tag,
      summary: "Save a template; placeholders outside the fixed list are refused (422 naming them)",
      access: { capability: "documents.write" },
      body: CreateTemplate,
      response: DocumentTemplate,
      status: 201,
      errors: ["unknown_placeholder", "already_exists"],
      handle: async (ctx, { body }) => templateView(await createTemplate(ctx, body)),
    }),
    route({
      method: "get",
      path: "/document-templates",
      tag,
      summary: "List templates, newest first",
      access: { capability: "documents.read" },
      query: ListTemplatesQuery,
      response: pageSchema(DocumentTemplate),
      handle: async (ctx, { query }) => toPage(await listTemplates(ctx.em, ctx.orgId, query), query.limit, templateView),
    }),
    route({
      method: "get",
      path: "/document-templates/:id",
      tag,
      summary: "Get a template",
      access: { capability: "documents.read" },
      params: idParams,
      response: DocumentTemplate,
      handle: async (ctx, { params }) => templateView(await findTemplate(ctx.em, params.id)),
    }),
    route({
      method: "patch",
      path: "/document-templates/:id",
      tag,
      summary: "Change a template (its version goes up by one); rendered documents keep their text",
      access: { capability: "documents.write" },
      params: idParams,
      body: UpdateTemplate,
      response: DocumentTemplate,
      errors: ["unknown_placeholder", "already_exists"],
      handle: async (ctx, { params, body }) => templateView(await updateTemplate(ctx, params.id, body)),
    }),
    route({
      method: "post",
      path: "/documents",
      tag,
      summary: "Render a template for a client and/or booking (values HTML-escaped); status draft",
      access: { capability: "documents.write" },
      body: CreateDocument,
      response: Document,
      status: 201,
      errors: ["placeholder_unavailable"],
      handle: async (ctx, { body }) => documentView(await createDocument(ctx, body)),
    }),
    route({
      method: "get",
      path: "/documents",
      tag,
      summary: "List documents, newest first; filter by status and client",
      access: { capability: "documents.read" },
      query: ListDocumentsQuery,
      response: pageSchema(Document),
      handle: async (ctx, { query }) => toPage(await listDocuments(ctx.em, ctx.orgId, query), query.limit, documentView),
    }),
    route({
      method: "get",
      path: "/documents/:id",
      tag,
      summary: "Get a document",
      access: { capability: "documents.read" },
      params: idParams,
      response: Document,
      handle: async (ctx, { params }) => documentView(await findDocument(ctx.em, params.id)),
    }),
    route({
      method: "post",
      path: "/documents/:id/send",
      tag,
      summary: "Mark a draft document sent",
      access: { capability: "documents.write" },
      params: idParams,
      response: Document,
      errors: ["invalid_transition"],
      handle: async (ctx, { params }) => documentView(await moveDocument(ctx, params.id, "sent")),
    }),
    route({
      method: "post",
      path: "/documents/:id/sign",
      tag,
      summary: "Mark a sent document signed (stamps signed_at)",
      access: { capability: "documents.write" },
      params: idParams,
      response: Document,
      errors: ["invalid_transition"],
      handle: async (ctx, { params }) => documentView(await moveDocument(ctx, params.id, "signed")),
    }),
  ],
};
