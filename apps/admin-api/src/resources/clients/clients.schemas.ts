import { pageQuery } from "@cleanops/http";
import { z } from "zod";
import { email, id, isoTime, longText, phone, queryBoolean, text } from "../../kernel/schemas.ts";

export const CreateClient = z
  .object({
    name: text(200),
    email: email().optional(),
    phone: phone().optional(),
    address: longText(1000).optional(),
    notes: longText(5000).optional(),
  })
  .strict();

export const UpdateClient = z
  .object({
    name: text(200),
    email: email().nullable(),
    phone: phone().nullable(),
    address: longText(1000).nullable(),
    notes: longText(5000).nullable(),
  })
  .partial()
  .strict();

export const ListClientsQuery = pageQuery.extend({
  q: z.string().trim().min(1).max(200).optional().meta({ description: "Search in name, email and phone" }),
  include_archived: queryBoolean(),
});

export const Client = z
  .object({
    id: id(),
    name: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    address: z.string().nullable(),
    notes: z.string().nullable(),
    archived_at: isoTime().nullable(),
    created_at: isoTime(),
    updated_at: isoTime(),
  })
  .meta({ id: "Client" });

export type CreateClientInput = z.output<typeof CreateClient>;
export type UpdateClientInput = z.output<typeof UpdateClient>;
export type ListClientsInput = z.output<typeof ListClientsQuery>;
