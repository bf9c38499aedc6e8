import { pageQuery } from "@cleanops/http";
import { z } from "zod";
import { id, isoTime } from "../../kernel/schemas.ts";
import { fromBeforeTo, timeRange } from "../audit-logs/audit-logs.schemas.ts";

// The CHECK constraints of email_events (entity EmailEvent): an unknown value is a 400, not an empty list.
export const EMAIL_KINDS = ["booking_confirmed", "booking_reminder", "invoice_sent", "payment_receipt", "other"] as const;
export const EMAIL_STATUSES = ["queued", "sent", "delivered", "bounced", "failed"] as const;

export const ListEmailEventsQuery = pageQuery
  .extend({
    status: z.enum(EMAIL_STATUSES).optional(),
    kind: z.enum(EMAIL_KINDS).optional(),
    booking_id: id().optional(),
    invoice_id: id().optional(),
    ...timeRange,
  })
  .refine(fromBeforeTo, { error: "from must be before to", path: ["to"] });

export const EmailEvent = z
  .object({
    id: id(),
    booking_id: z.string().nullable(),
    invoice_id: z.string().nullable(),
    kind: z.enum(EMAIL_KINDS),
    to_email: z.string(),
    status: z.enum(EMAIL_STATUSES),
    provider_message_id: z.string().nullable(),
    error: z.string().nullable(),
    created_at: isoTime(),
    updated_at: isoTime(),
  })
  .meta({ id: "EmailEvent" });

export type ListEmailEventsInput = z.output<typeof ListEmailEventsQuery>;
