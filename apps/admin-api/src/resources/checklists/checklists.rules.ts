/**
 * The position arithmetic of checklist template items, pure so it is tested without a database. Positions are dense
 * (0..n-1) and unique per template; the unique key is not deferrable, so a renumbering is planned in two moves.
 */

export type Positioned = { id: string; position: number };

/** The order after inserting `newId` at `position`, shifting the rest down; past the end (or none) appends. */
export function orderAfterInsert(ordered: readonly string[], newId: string, position?: number): string[] {
  const at = position === undefined ? ordered.length : Math.min(Math.max(0, position), ordered.length);
  return [...ordered.slice(0, at), newId, ...ordered.slice(at)];
}

/** The order after removing `removedId`: the items after it move up one place. */
export function orderAfterRemove(ordered: readonly string[], removedId: string): string[] {
  return ordered.filter((id) => id !== removedId);
}

export type ReorderCheck = { ok: true; order: string[] } | { ok: false; missing: string[]; unknown: string[]; duplicates: string[] };

/** A reorder must name exactly the template's items, each once; anything else says what is wrong. */
export function checkReorder(current: readonly string[], requested: readonly string[]): ReorderCheck {
  const known = new Set(current);
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  const unknown: string[] = [];
  for (const id of requested) {
    if (seen.has(id)) duplicates.add(id);
    seen.add(id);
    if (!known.has(id)) unknown.push(id);
  }
  const missing = current.filter((id) => !seen.has(id));
  if (missing.length === 0 && unknown.length === 0 && duplicates.size === 0) return { ok: true, order: [...requested] };
  return { ok: false, missing, unknown, duplicates: [...duplicates] };
}

/**
 * The moves that give `items` the positions of `order` (index = position) without two rows ever sharing a position:
 * first every item in `park` moves up by `base` (one statement: `position + base` keeps them distinct, and `base`
 * lies above every current and final position), then each moving item takes its `final` place. `extraPark` (an item
 * about to be deleted) is parked too, so its place is free before the deletion runs. Items already in place do not
 * move; ids of `order` that are not in `items` (a row about to be inserted) are skipped.
 */
export function renumberPlan(
  items: readonly Positioned[],
  order: readonly string[],
  extraPark: readonly string[] = [],
): { park: string[]; base: number; final: Positioned[] } {
  const target = new Map(order.map((id, index) => [id, index]));
  const moving = items.filter((item) => target.has(item.id) && target.get(item.id) !== item.position);
  const base = Math.max(order.length, ...items.map((i) => i.position + 1));
  const final = moving.map((item) => ({ id: item.id, position: target.get(item.id) ?? 0 }));
  // Nothing moves into a place: nothing needs parking, a deletion alone keeps the rest where they are.
  const park = moving.length === 0 ? [] : [...moving.map((m) => m.id), ...extraPark.filter((id) => !target.has(id))];
  return { park, base, final };
}
