import { pageQuery } from "@cleanops/http";
import { z } from "zod";
import { id, instant, isoTime } from "../../kernel/schemas.ts";

/** A created_at window: `from` inclusive, `to` exclusive, so consecutive windows never count a row twice. */
export const timeRange = {
  from: instant().optional().meta({ description: "Created at or after this instant" }),
  to: instant().optional().meta({ description: "Created before this instant" }),
};

export const fromBeforeTo = (q: { from?: Date | undefined; to?: Date | undefined }) => !q.from || !q.to || q.from < q.to;

export const ListAuditLogsQuery = pageQuery
  .extend({
    actor_user_id: id().optional(),
    entity_type: z.string().trim().min(1).max(100).optional(),
    entity_id: z.string().trim().min(1).max(200).optional(),
    action: z.string().trim().min(1).max(200).optional(),
    ...timeRange,
  })
  .refine(fromBeforeTo, { error: "from must be before to", path: ["to"] });

export const AuditLogEntry = z
  .object({
    id: id(),
    actor_user_id: z.string().nullable(),
    action: z.string(),
    entity_type: z.string(),
    entity_id: z.string().nullable(),
    changes: z.record(z.string(), z.unknown()),
    ip: z.string().nullable(),
    request_id: z.string().nullable(),
    created_at: isoTime(),
  })
  .meta({ id: "AuditLogEntry" });

export type ListAuditLogsInput = z.output<typeof ListAuditLogsQuery>;
