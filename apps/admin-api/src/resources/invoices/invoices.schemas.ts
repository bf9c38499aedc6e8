import { INVOICE_STATUSES } from "@cleanops/billing";
import { pageQuery } from "@cleanops/http";
import { z } from "zod";
import { cents, currency, email, id, instant, isoTime, text } from "../../kernel/schemas.ts";

const taxRateBps = () => z.number().int().min(0).max(10_000).meta({ description: "Tax rate in basis points: 2000 = 20 %" });

export const InvoiceItemInput = z
  .object({
    description: text(500),
    quantity: z.number().int().min(1).max(10_000),
    unit_price_cents: cents(),
    tax_rate_bps: taxRateBps().default(0),
  })
  .strict();

const itemList = () => z.array(InvoiceItemInput).min(1).max(200);

/**
 * Two shapes in one strict object, so a 400 names the field that is missing or extra (a zod union would only say
 * "no shape matched"): `{booking_id, tax_rate_bps?}` or `{client_id, currency, items}`.
 */
export const CreateInvoice = z
  .object({
    booking_id: id().optional().meta({ description: "Invoice a booking: its price and add-ons become the items" }),
    tax_rate_bps: taxRateBps().optional().meta({ description: "With booking_id: the tax rate of every item (default 0)" }),
    client_id: id().optional(),
    currency: currency().optional(),
    items: itemList().optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    const refuse = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
    if (body.booking_id !== undefined) {
      for (const f of ["client_id", "currency", "items"] as const)
        if (body[f] !== undefined) refuse(f, "comes from the booking: send booking_id alone");
      return;
    }
    if (body.tax_rate_bps !== undefined) refuse("tax_rate_bps", "only with booking_id; give each item its own tax_rate_bps");
    for (const f of ["client_id", "currency", "items"] as const)
      if (body[f] === undefined) refuse(f, "required (or send booking_id instead)");
  });

export const ReplaceItems = z.object({ items: itemList() }).strict();

export const ListInvoicesQuery = pageQuery.extend({
  status: z.enum(INVOICE_STATUSES).optional(),
  client_id: id().optional(),
  from: instant().optional().meta({ description: "Issued at or after this instant" }),
  to: instant().optional().meta({ description: "Issued before this instant" }),
});

export const PAYMENT_METHODS = ["cash", "bank_transfer", "card"] as const;

export const RecordPayment = z
  .object({
    amount_cents: z.number().int().min(1).max(100_000_000_00),
    method: z.enum(PAYMENT_METHODS).meta({ description: "How the money came in (card: a terminal in the office)" }),
    currency: currency().optional().meta({ description: "When given, must be the invoice's currency" }),
  })
  .strict();

export const RedeemCredit = z.object({ credit_id: id() }).strict();

export const CreatePublicLink = z
  .object({ expires_in_days: z.number().int().min(1).max(365).default(30).meta({ description: "Default 30 days" }) })
  .strict();

export const SendInvoice = z.object({ to_email: email().optional().meta({ description: "Default: the client's email" }) }).strict();

export const LinkParams = z.object({ id: id(), link_id: id() });

export const InvoiceItem = z
  .object({
    id: id(),
    position: z.number().int(),
    description: z.string(),
    quantity: z.number().int(),
    unit_price_cents: z.number().int(),
    tax_rate_bps: z.number().int(),
    net_cents: z.number().int(),
    tax_cents: z.number().int().meta({ description: "Rounded half-even on this line" }),
    total_cents: z.number().int(),
  })
  .meta({ id: "InvoiceItem" });

export const Invoice = z
  .object({
    id: id(),
    number: z.string().nullable().meta({ description: "Null while draft; the org's next number when issued" }),
    status: z.enum(INVOICE_STATUSES),
    client_id: id(),
    booking_id: id().nullable(),
    currency: z.string(),
    subtotal_cents: z.number().int(),
    tax_cents: z.number().int(),
    total_cents: z.number().int(),
    amount_paid_cents: z.number().int().meta({ description: "Payments received minus refunds and chargebacks" }),
    credited_cents: z.number().int().meta({ description: "Credits and write-offs" }),
    balance_cents: z.number().int().meta({ description: "total − credited − amount paid: what is still to pay" }),
    items: z.array(InvoiceItem),
    issued_at: isoTime().nullable(),
    due_at: isoTime().nullable(),
    paid_at: isoTime().nullable(),
    created_at: isoTime(),
    updated_at: isoTime(),
  })
  .meta({ id: "Invoice" });

export const Payment = z
  .object({
    id: id(),
    invoice_id: id(),
    amount_cents: z.number().int(),
    currency: z.string(),
    method: z.enum(["card", "cash", "bank_transfer", "credit"]),
    provider: z.string().nullable(),
    received_at: isoTime(),
    created_at: isoTime(),
  })
  .meta({ id: "Payment" });

/** The payment, with the invoice as it stands after it (status, amount paid, balance). */
export const PaymentRecorded = Payment.extend({ invoice: Invoice }).meta({ id: "PaymentRecorded" });

export const PublicLink = z
  .object({
    id: id(),
    invoice_id: id(),
    expires_at: isoTime(),
    revoked_at: isoTime().nullable(),
    last_viewed_at: isoTime().nullable(),
    view_count: z.number().int(),
    active: z.boolean().meta({ description: "Neither revoked nor expired" }),
    created_at: isoTime(),
  })
  .meta({ id: "PublicLink" });

export const CreatedPublicLink = PublicLink.extend({
  token: z.string().meta({ description: "Shown this once; only its SHA-256 is stored" }),
  url: z.string().meta({ format: "uri" }),
}).meta({ id: "CreatedPublicLink" });

export const QueuedEmail = z
  .object({
    id: id(),
    invoice_id: id(),
    kind: z.literal("invoice_sent"),
    status: z.literal("queued"),
    to_email: z.string(),
    link_id: id(),
    url: z.string().meta({ format: "uri" }),
    created_at: isoTime(),
  })
  .meta({ id: "QueuedEmail" });

export type CreateInvoiceInput = z.output<typeof CreateInvoice>;
export type InvoiceItemInputValue = z.output<typeof InvoiceItemInput>;
export type ListInvoicesInput = z.output<typeof ListInvoicesQuery>;
export type RecordPaymentInput = z.output<typeof RecordPayment>;
