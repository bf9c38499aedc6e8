/**
 * Invoice arithmetic in integer minor units (cents). Nothing here touches a float: a line's net amount stays far
 * below 2^53, and the tax product (net × basis points) is done in BigInt because it may not.
 */

/** One line as the arithmetic needs it. `taxRateBps` is in basis points: 2000 = 20 %. */
export type LineInput = { quantity: number; unitPriceCents: number; taxRateBps: number };

export type LineTotals = { netCents: number; taxCents: number; totalCents: number };

export type InvoiceTotals = { subtotalCents: number; taxCents: number; totalCents: number };

const BPS = 10_000n;

function assertWhole(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) throw new RangeError(`${name} must be a whole number ≥ ${min}, got ${value}`);
}

/**
 * `numerator / denominator` rounded half to even ("banker's rounding"): exact halves go to the even neighbour, so
 * rounding many lines does not drift upwards the way half-up does. Both arguments are non-negative.
 */
export function divideHalfEven(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n || numerator < 0n) throw new RangeError("divideHalfEven takes a non-negative numerator and a positive denominator");
  const quotient = numerator / denominator;
  const twiceRemainder = (numerator % denominator) * 2n;
  if (twiceRemainder > denominator) return quotient + 1n;
  if (twiceRemainder < denominator) return quotient;
  return quotient % 2n === 0n ? quotient : quotient + 1n;
}

/** A line's net amount, and its tax rounded half-even on the line (not on the invoice): what the client sees per row. */
export function lineTotals(line: LineInput): LineTotals {
  assertWhole("quantity", line.quantity, 1);
  assertWhole("unitPriceCents", line.unitPriceCents, 0);
  assertWhole("taxRateBps", line.taxRateBps, 0);
  if (line.taxRateBps > 10_000) throw new RangeError(`taxRateBps must be at most 10000, got ${line.taxRateBps}`);
  const net = BigInt(line.quantity) * BigInt(line.unitPriceCents);
  const tax = divideHalfEven(net * BigInt(line.taxRateBps), BPS);
  const netCents = Number(net);
  const taxCents = Number(tax);
  const totalCents = netCents + taxCents;
  if (!Number.isSafeInteger(totalCents)) throw new RangeError("line amount is too large");
  return { netCents, taxCents, totalCents };
}

/** The invoice's subtotal, tax and total: sums of the rounded lines, so the total always equals subtotal + tax. */
export function invoiceTotals(lines: readonly LineInput[]): InvoiceTotals {
  let subtotalCents = 0;
  let taxCents = 0;
  for (const line of lines) {
    const t = lineTotals(line);
    subtotalCents += t.netCents;
    taxCents += t.taxCents;
  }
  const totalCents = subtotalCents + taxCents;
  if (!Number.isSafeInteger(totalCents)) throw new RangeError("invoice amount is too large");
  return { subtotalCents, taxCents, totalCents };
}
