import { defineErrorCodes } from "@cleanops/http";

export const invoiceErrors = defineErrorCodes({
  invoice_not_draft: { status: 409, message: "Only a draft invoice can be changed or issued." },
  invoice_empty: { status: 409, message: "An invoice needs at least one item to be issued." },
  invoice_not_issued: { status: 409, message: "The invoice is a draft or void." },
  invoice_has_payments: { status: 409, message: "An invoice that received money cannot be voided." },
  payment_exceeds_balance: { status: 409, message: "The payment is larger than the balance of the invoice." },
  adjustment_exceeds_limit: {
    status: 409,
    message: "A refund or chargeback above the money held, or a credit or write-off above the balance.",
  },
  booking_not_invoiceable: { status: 409, message: "The booking is cancelled or already has an open invoice." },
  currency_mismatch: { status: 422, message: "The amount is in another currency than the invoice." },
  no_recipient: { status: 422, message: "The client has no email address: give to_email." },
  credit_not_redeemable: { status: 409, message: "The credit is not granted, or was already redeemed." },
  credit_other_client: { status: 422, message: "The credit belongs to another client than the invoice." },
});
