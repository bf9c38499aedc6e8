/** The table public-invoices' per-IP limiter counts in (created by migration 0043; rate-limiter-flexible's layout). */
export const PUBLIC_INVOICE_RATE_LIMIT_TABLE = "rate_limits_public_invoices";
