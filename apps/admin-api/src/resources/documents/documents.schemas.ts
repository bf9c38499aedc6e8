import { pageQuery } from "@cleanops/http";
import { z } from "zod";
import { id, isoTime, longText, text } from "../../kernel/schemas.ts";
import { DOCUMENT_STATUS_VALUES, PLACEHOLDERS, TEMPLATE_KIND_VALUES } from "./documents.rules.ts";

const templateBody = () =>
  longText(100_000).meta({ description: `Text with placeholders: ${PLACEHOLDERS.map((p) => `{{${p}}}`).join(", ")}` });

export const CreateTemplate = z.object({ name: text(200), kind: z.enum(TEMPLATE_KIND_VALUES), body: templateBody() }).strict();

export const UpdateTemplate = z
  .object({ name: text(200), kind: z.enum(TEMPLATE_KIND_VALUES), body: templateBody() })
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, { error: "change at least one field" });

export const CreateDocument = z
  .object({
    template_id: id(),
    client_id: id().optional().meta({ description: "Defaults to the booking's client" }),
    booking_id: id().optional(),
    title: text(300).optional().meta({ description: "Defaults to the template's name" }),
  })
  .strict();

export const ListTemplatesQuery = pageQuery;
export const ListDocumentsQuery = pageQuery.extend({ status: z.enum(DOCUMENT_STATUS_VALUES).optional(), client_id: id().optional() });

export const DocumentTemplate = z
  .object({
    id: id(),
    name: z.string(),
    kind: z.enum(TEMPLATE_KIND_VALUES),
    body: z.string(),
    version: z.number().int().meta({ description: "1 when created, +1 on every change" }),
    placeholders: z.array(z.string()),
    created_at: isoTime(),
  })
  .meta({ id: "DocumentTemplate" });

export const Document = z
  .object({
    id: id(),
    template_id: id().nullable(),
    client_id: id().nullable(),
    booking_id: id().nullable(),
    title: z.string(),
    body: z.string().meta({ description: "The rendered text, its values HTML-escaped" }),
    status: z.enum(DOCUMENT_STATUS_VALUES),
    signed_at: isoTime().nullable(),
    created_at: isoTime(),
    updated_at: isoTime(),
  })
  .meta({ id: "Document" });

export type CreateTemplateInput = z.output<typeof CreateTemplate>;
export type UpdateTemplateInput = z.output<typeof UpdateTemplate>;
export type CreateDocumentInput = z.output<typeof CreateDocument>;
export type ListTemplatesInput = z.output<typeof ListTemplatesQuery>;
export type ListDocumentsInput = z.output<typeof ListDocumentsQuery>;
