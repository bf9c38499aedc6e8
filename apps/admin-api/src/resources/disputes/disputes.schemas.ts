import { ADJUSTMENT_KINDS } from "@cleanops/billing";
import { z } from "zod";
import { id, isoTime, longText, text } from "../../kernel/schemas.ts";
import { Invoice } from "../invoices/invoices.schemas.ts";

export const DISPUTE_STATUSES = ["open", "won", "lost", "refunded"] as const;
export const DISPUTE_OUTCOMES = ["won", "lost", "refunded"] as const;
export type DisputeOutcome = (typeof DISPUTE_OUTCOMES)[number];

const amount = () => z.number().int().min(1).max(100_000_000_00);

export const OpenDispute = z
  .object({
    reason: text(2000),
    amount_cents: amount(),
    payment_id: id().optional().meta({ description: "The payment contested (a card payment); none: the invoice itself" }),
  })
  .strict();

export const ResolveDispute = z
  .object({
    outcome: z.enum(DISPUTE_OUTCOMES).meta({
      description:
        "won: nothing moves. refunded: a refund and a credit of the amount (money back, no longer owed). lost: on a payment, a " +
        "chargeback and a write-off (the bank took it back for good); on the invoice alone, a credit.",
    }),
  })
  .strict();

export const RecordAdjustment = z
  .object({
    kind: z.enum(ADJUSTMENT_KINDS).meta({
      description:
        "refund/chargeback: money goes back to the client (the amount paid falls, the balance rises); credit/write_off: the " +
        "client owes less (the balance falls)",
    }),
    amount_cents: amount(),
    dispute_id: id().optional(),
    note: longText(2000).optional(),
  })
  .strict();

export const Adjustment = z
  .object({
    id: id(),
    invoice_id: id(),
    dispute_id: id().nullable(),
    kind: z.enum(ADJUSTMENT_KINDS),
    amount_cents: z.number().int(),
    currency: z.string(),
    actor_user_id: id().nullable(),
    note: z.string().nullable(),
    created_at: isoTime(),
  })
  .meta({ id: "Adjustment" });

export const AdjustmentRecorded = Adjustment.extend({ invoice: Invoice }).meta({ id: "AdjustmentRecorded" });

export const Dispute = z
  .object({
    id: id(),
    invoice_id: id(),
    payment_id: id().nullable(),
    reason: z.string(),
    status: z.enum(DISPUTE_STATUSES),
    amount_cents: z.number().int(),
    currency: z.string(),
    opened_at: isoTime(),
    resolved_at: isoTime().nullable(),
    created_at: isoTime(),
    updated_at: isoTime(),
  })
  .meta({ id: "Dispute" });

export const DisputeResolution = Dispute.extend({ adjustments: z.array(Adjustment), invoice: Invoice }).meta({ id: "DisputeResolution" });

export type OpenDisputeInput = z.output<typeof OpenDispute>;
export type RecordAdjustmentInput = z.output<typeof RecordAdjustment>;
