export { divideHalfEven, invoiceTotals, lineTotals, type InvoiceTotals, type LineInput, type LineTotals } from "./totals.ts";
export {
  ADJUSTMENT_KINDS,
  derivedStatus,
  INVOICE_STATUSES,
  invoiceBalance,
  limitFor,
  RETURNS_MONEY,
  type AdjustmentKind,
  type Balance,
  type BalanceInput,
  type InvoiceStatus,
} from "./balance.ts";
