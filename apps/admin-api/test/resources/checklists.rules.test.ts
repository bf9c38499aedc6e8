import { describe, expect, it } from "vitest";
import {
  checkReorder,
  orderAfterInsert,
  orderAfterRemove,
  renumberPlan,
  type Positioned,
} from "../../src/resources/checklists/checklists.rules.ts";

const at = (ids: string[]): Positioned[] => ids.map((id, position) => ({ id, position }));

/**
 * Applies a plan as the actions do (park by `position + base`, then each to its final place) and fails on any
 * moment where two items share a position, as a non-deferrable unique key checks them row by row.
 */
function apply(items: Positioned[], order: string[]): Map<string, number> {
  const pos = new Map(items.map((i) => [i.id, i.position]));
  const plan = renumberPlan(items, order);
  for (const id of plan.park) {
    pos.set(id, (pos.get(id) ?? 0) + plan.base);
    expect(new Set(pos.values()).size).toBe(pos.size);
  }
  for (const move of plan.final) {
    pos.set(move.id, move.position);
    expect(new Set(pos.values()).size).toBe(pos.size);
  }
  return pos;
}

describe("orderAfterInsert", () => {
  it("inserts at the position, shifting the rest; past the end or none appends; negative is first", () => {
    expect(orderAfterInsert(["a", "b", "c"], "x", 0)).toEqual(["x", "a", "b", "c"]);
    expect(orderAfterInsert(["a", "b", "c"], "x", 1)).toEqual(["a", "x", "b", "c"]);
    expect(orderAfterInsert(["a", "b", "c"], "x", 3)).toEqual(["a", "b", "c", "x"]);
    expect(orderAfterInsert(["a", "b", "c"], "x", 99)).toEqual(["a", "b", "c", "x"]);
    expect(orderAfterInsert(["a", "b", "c"], "x")).toEqual(["a", "b", "c", "x"]);
    expect(orderAfterInsert(["a"], "x", -1)).toEqual(["x", "a"]);
    expect(orderAfterInsert([], "x", 5)).toEqual(["x"]);
  });
});

describe("orderAfterRemove", () => {
  it("drops the item; an unknown id changes nothing", () => {
    expect(orderAfterRemove(["a", "b", "c"], "b")).toEqual(["a", "c"]);
    expect(orderAfterRemove(["a", "b", "c"], "z")).toEqual(["a", "b", "c"]);
  });
});

describe("checkReorder", () => {
  it("accepts exactly the items, each once, in any order", () => {
    expect(checkReorder(["a", "b", "c"], ["c", "a", "b"])).toEqual({ ok: true, order: ["c", "a", "b"] });
    expect(checkReorder([], [])).toEqual({ ok: true, order: [] });
  });

  it("names what is missing, unknown or repeated", () => {
    expect(checkReorder(["a", "b", "c"], ["a", "b"])).toEqual({ ok: false, missing: ["c"], unknown: [], duplicates: [] });
    expect(checkReorder(["a", "b"], ["a", "b", "z"])).toEqual({ ok: false, missing: [], unknown: ["z"], duplicates: [] });
    expect(checkReorder(["a", "b"], ["a", "a", "b"])).toEqual({ ok: false, missing: [], unknown: [], duplicates: ["a"] });
    expect(checkReorder(["a", "b"], ["a", "a"])).toEqual({ ok: false, missing: ["b"], unknown: [], duplicates: ["a"] });
  });
});

describe("renumberPlan", () => {
  it("parks an item about to be deleted along with the ones that move into its place", () => {
    const items = at(["a", "b", "c"]);
    const plan = renumberPlan(items, orderAfterRemove(["a", "b", "c"], "a"), ["a"]);
    expect(plan).toEqual({
      park: ["b", "c", "a"],
      base: 3,
      final: [
        { id: "b", position: 0 },
        { id: "c", position: 1 },
      ],
    });
  });

  it("reverses five items without two ever sharing a position, ending dense in the new order", () => {
    const items = at(["a", "b", "c", "d", "e"]);
    const pos = apply(items, ["e", "d", "c", "b", "a"]);
    expect(Object.fromEntries(pos)).toEqual({ e: 0, d: 1, c: 2, b: 3, a: 4 });
  });

  it("moves only the items whose position changes", () => {
    const plan = renumberPlan(at(["a", "b", "c", "d", "e"]), ["a", "c", "b", "d", "e"]);
    expect(plan.final).toEqual([
      { id: "b", position: 2 },
      { id: "c", position: 1 },
    ]);
    expect(plan.park).toEqual(["b", "c"]);
    expect(plan.base).toBe(5);
    expect(renumberPlan(at(["a", "b"]), ["a", "b"])).toEqual({ park: [], base: 2, final: [] });
  });

  it("makes room for an insert (the new id is skipped) and closes the gap of a removal", () => {
    const inserted = apply(at(["a", "b", "c"]), orderAfterInsert(["a", "b", "c"], "x", 1));
    expect(Object.fromEntries(inserted)).toEqual({ a: 0, b: 2, c: 3 });
    const removed = apply(
      [
        { id: "a", position: 0 },
        { id: "c", position: 2 },
        { id: "d", position: 3 },
      ],
      orderAfterRemove(["a", "b", "c", "d"], "b"),
    );
    expect(Object.fromEntries(removed)).toEqual({ a: 0, c: 1, d: 2 });
  });

  it("parks above positions that are not dense to begin with", () => {
    const pos = apply(
      [
        { id: "a", position: 7 },
        { id: "b", position: 0 },
      ],
      ["a", "b"],
    );
    expect(Object.fromEntries(pos)).toEqual({ a: 0, b: 1 });
  });
});
