import { describe, expect, it } from "vitest";
import { LEAD_STATUS_VALUES, TRANSITIONS, transitionRefusal } from "../../src/resources/leads/leads.rules.ts";

describe("the lead pipeline", () => {
  it("goes new → contacted → quoted → won, and lost from any open stage", () => {
    expect(transitionRefusal("new", "contacted")).toBeUndefined();
    expect(transitionRefusal("contacted", "quoted")).toBeUndefined();
    expect(transitionRefusal("quoted", "won")).toBeUndefined();
    for (const from of ["new", "contacted", "quoted"] as const) expect(transitionRefusal(from, "lost")).toBeUndefined();
  });

  it("refuses skipping stages, going back, and leaving won or lost", () => {
    expect(transitionRefusal("new", "won")).toBe("A new lead cannot become won (allowed: contacted, lost).");
    expect(transitionRefusal("quoted", "contacted")).toMatch(/cannot become contacted/);
    expect(transitionRefusal("won", "lost")).toBe("A won lead cannot become lost (it is final).");
    expect(transitionRefusal("lost", "new")).toMatch(/it is final/);
    // No status moves to itself: a repeated win is refused rather than converting twice.
    for (const s of LEAD_STATUS_VALUES) expect(TRANSITIONS[s]).not.toContain(s);
  });
});
