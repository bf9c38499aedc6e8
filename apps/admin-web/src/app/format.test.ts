import { describe, expect, it } from "vitest";
import { formatMoney, parseMoney } from "./format.ts";

describe("money", () => {
  it("formats integer minor units in the invoice's currency", () => {
    expect(formatMoney(8050, "EUR")).toBe("€80.50");
    expect(formatMoney(0, "GBP")).toBe("£0.00");
    expect(formatMoney(123456, "USD", "en-US")).toBe("$1,234.56");
  });

  it("parses what an office types into cents, and refuses the rest", () => {
    expect(parseMoney("80")).toBe(8000);
    expect(parseMoney("80.5")).toBe(8050);
    expect(parseMoney(" 80,05 ")).toBe(8005);
    expect(parseMoney("-3")).toBeUndefined();
    expect(parseMoney("1e3")).toBeUndefined();
    expect(parseMoney("12.345")).toBeUndefined();
  });
});
