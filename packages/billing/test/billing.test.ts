import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ADJUSTMENT_KINDS,
  derivedStatus,
  divideHalfEven,
  invoiceBalance,
  invoiceTotals,
  limitFor,
  lineTotals,
  type AdjustmentKind,
  type LineInput,
} from "../src/index.ts";

const line = fc.record({
  quantity: fc.integer({ min: 1, max: 1000 }),
  unitPriceCents: fc.integer({ min: 0, max: 10_000_000 }),
  taxRateBps: fc.integer({ min: 0, max: 10_000 }),
});
const lines = fc.array(line, { maxLength: 40 });

/** Reference rounding on exact rationals as decimal strings: independent of the BigInt implementation under test. */
function referenceTax(l: LineInput): number {
  const numerator = l.quantity * l.unitPriceCents * l.taxRateBps; // < 2^53 for the ranges above
  const floor = Math.floor(numerator / 10_000);
  const rest = numerator - floor * 10_000;
  if (rest > 5_000) return floor + 1;
  if (rest < 5_000) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

describe("line and invoice totals", () => {
  it("rounds exact halves to the even cent, others to the nearest", () => {
    expect(divideHalfEven(5n, 2n)).toBe(2n);
    expect(divideHalfEven(7n, 2n)).toBe(4n);
    expect(divideHalfEven(11n, 4n)).toBe(3n);
    expect(lineTotals({ quantity: 1, unitPriceCents: 250, taxRateBps: 1000 })).toEqual({ netCents: 250, taxCents: 25, totalCents: 275 });
    // 0.5 cent → 0 (even), 1.5 cents → 2 (even)
    expect(lineTotals({ quantity: 1, unitPriceCents: 5, taxRateBps: 1000 }).taxCents).toBe(0);
    expect(lineTotals({ quantity: 3, unitPriceCents: 5, taxRateBps: 1000 }).taxCents).toBe(2);
  });

  it("refuses fractional or negative inputs instead of rounding them silently", () => {
    expect(() => lineTotals({ quantity: 0, unitPriceCents: 1, taxRateBps: 0 })).toThrow(RangeError);
    expect(() => lineTotals({ quantity: 1, unitPriceCents: 1.5, taxRateBps: 0 })).toThrow(RangeError);
    expect(() => lineTotals({ quantity: 1, unitPriceCents: 1, taxRateBps: 10_001 })).toThrow(RangeError);
  });

  it("a line's tax is the half-even rounding of its exact tax (never off by a cent)", () => {
    fc.assert(
      fc.property(line, (l) => {
        const t = lineTotals(l);
        expect(t.netCents).toBe(l.quantity * l.unitPriceCents);
        expect(t.taxCents).toBe(referenceTax(l));
        expect(Math.abs(t.taxCents * 10_000 - t.netCents * l.taxRateBps)).toBeLessThanOrEqual(5_000);
        expect(t.totalCents).toBe(t.netCents + t.taxCents);
      }),
      { numRuns: 2000 },
    );
  });

  it("the invoice sums its rounded lines: total = subtotal + tax, independent of line order", () => {
    fc.assert(
      fc.property(lines, (ls) => {
        const t = invoiceTotals(ls);
        const perLine = ls.map(lineTotals);
        expect(t.subtotalCents).toBe(perLine.reduce((s, x) => s + x.netCents, 0));
        expect(t.taxCents).toBe(perLine.reduce((s, x) => s + x.taxCents, 0));
        expect(t.totalCents).toBe(t.subtotalCents + t.taxCents);
        expect(invoiceTotals([...ls].reverse())).toEqual(t);
        // Per-line rounding stays within half a cent per line of the exact tax of the whole invoice.
        const exactTimes10k = ls.reduce((s, l) => s + l.quantity * l.unitPriceCents * l.taxRateBps, 0);
        expect(Math.abs(t.taxCents * 10_000 - exactTimes10k)).toBeLessThanOrEqual(5_000 * Math.max(1, ls.length));
      }),
      { numRuns: 500 },
    );
  });
});

type Op = { kind: AdjustmentKind | "payment"; amountCents: number };
const op = fc.record({
  kind: fc.constantFrom<AdjustmentKind | "payment">("payment", "payment", ...ADJUSTMENT_KINDS),
  amountCents: fc.integer({ min: 1, max: 2_000_000 }),
});

/** Plays operations the way admin-api does: each one is refused above its limit, and the state is re-derived after. */
function play(totalCents: number, ops: readonly Op[]) {
  const payments: { amountCents: number }[] = [];
  const adjustments: { kind: AdjustmentKind; amountCents: number }[] = [];
  let status = derivedStatus("issued", invoiceBalance({ totalCents, payments, adjustments }));
  for (const o of ops) {
    const before = invoiceBalance({ totalCents, payments, adjustments });
    if (o.amountCents > limitFor(o.kind, before)) continue;
    if (o.kind === "payment") payments.push({ amountCents: o.amountCents });
    else adjustments.push({ kind: o.kind, amountCents: o.amountCents });
    const after = invoiceBalance({ totalCents, payments, adjustments });
    const delta = o.kind === "payment" || o.kind === "credit" || o.kind === "write_off" ? -o.amountCents : o.amountCents;
    // Each accepted operation moves the balance by exactly its amount, in the documented direction.
    expect(after.balanceCents - before.balanceCents).toBe(delta);
    status = derivedStatus(status, after);
  }
  return { balance: invoiceBalance({ totalCents, payments, adjustments }), payments, adjustments, status };
}

describe("the balance", () => {
  it("is total − (payments − refunds − chargebacks) − (credits + write-offs), to the cent", () => {
    const b = invoiceBalance({
      totalCents: 10_000,
      payments: [{ amountCents: 6_000 }, { amountCents: 4_000 }],
      adjustments: [
        { kind: "refund", amountCents: 3_000 },
        { kind: "credit", amountCents: 3_000 },
        { kind: "chargeback", amountCents: 1_000 },
      ],
    });
    expect(b).toMatchObject({ amountPaidCents: 6_000, amountDueCents: 7_000, balanceCents: 1_000 });
    expect(derivedStatus("paid", b)).toBe("partially_paid");
  });

  it("derives the status; draft and void are never changed by sums", () => {
    expect(derivedStatus("issued", { balanceCents: 100, amountPaidCents: 0 })).toBe("issued");
    expect(derivedStatus("issued", { balanceCents: 100, amountPaidCents: 1 })).toBe("partially_paid");
    expect(derivedStatus("partially_paid", { balanceCents: 0, amountPaidCents: 100 })).toBe("paid");
    expect(derivedStatus("void", { balanceCents: 0, amountPaidCents: 0 })).toBe("void");
    expect(derivedStatus("draft", { balanceCents: 0, amountPaidCents: 0 })).toBe("draft");
  });

  it("over random invoices and operations: never drifts, never negative, and the status matches the sums", () => {
    fc.assert(
      fc.property(lines, fc.array(op, { maxLength: 30 }), (ls, ops) => {
        const { totalCents } = invoiceTotals(ls);
        const { balance, payments, adjustments, status } = play(totalCents, ops);
        const sum = (xs: { amountCents: number }[]) => xs.reduce((s, x) => s + x.amountCents, 0);
        const of = (...kinds: AdjustmentKind[]) => sum(adjustments.filter((a) => kinds.includes(a.kind)));
        expect(balance.balanceCents).toBe(totalCents - sum(payments) + of("refund", "chargeback") - of("credit", "write_off"));
        expect(balance.balanceCents).toBeGreaterThanOrEqual(0);
        expect(balance.balanceCents).toBeLessThanOrEqual(totalCents);
        expect(balance.amountPaidCents).toBeGreaterThanOrEqual(0);
        expect(status).toBe(balance.balanceCents === 0 ? "paid" : balance.amountPaidCents > 0 ? "partially_paid" : "issued");
        // Order of the ledger does not matter: the balance is a function of the rows, not of their history.
        expect(invoiceBalance({ totalCents, payments: [...payments].reverse(), adjustments: [...adjustments].reverse() })).toEqual(balance);
      }),
      { numRuns: 500 },
    );
  });
});
