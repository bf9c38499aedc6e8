import type { IEmailEvent } from "@cleanops/db";

export type EmailEventView = ReturnType<typeof emailEventView>;

export function emailEventView(e: IEmailEvent) {
  return {
    id: e.id,
    booking_id: e.booking?.id ?? null,
    invoice_id: e.invoice?.id ?? null,
    kind: e.kind,
    to_email: e.toEmail,
    status: e.status,
    provider_message_id: e.providerMessageId ?? null,
    error: e.error ?? null,
    created_at: e.createdAt.toISOString(),
    updated_at: e.updatedAt.toISOString(),
  };
}
