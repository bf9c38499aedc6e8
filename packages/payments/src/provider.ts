/** What a customer is asked to pay: the invoice's balance, in its currency, tagged with the org and invoice. */
export type CheckoutRequest = {
  amountCents: number;
  currency: string;
  orgId: string;
  invoiceId: string;
  /** What the customer sees on the provider's page ("Invoice INV-000042"). */
  description: string;
  /** Same key → same checkout at the provider: a double click does not open two payments for one balance. */
  idempotencyKey: string;
  successUrl: string;
  cancelUrl: string;
};

export type Checkout = { id: string; redirectUrl: string };

/** A payment provider: it only opens checkouts; what was paid comes back as a signed webhook event. */
export type PaymentProvider = {
  readonly name: "stripe" | "local";
  createCheckout(request: CheckoutRequest): Promise<Checkout>;
};

/** The metadata every checkout carries, read back from the webhook event to find the org and invoice. */
export function checkoutMetadata(request: Pick<CheckoutRequest, "orgId" | "invoiceId">): { org_id: string; invoice_id: string } {
  return { org_id: request.orgId, invoice_id: request.invoiceId };
}
