import type { IAddonDefinition } from "@cleanops/db";

export type AddonView = ReturnType<typeof addonView>;

export function addonView(a: IAddonDefinition) {
  return {
    id: a.id,
    name: a.name,
    price_cents: a.priceCents,
    currency: a.currency,
    duration_minutes: a.durationMinutes,
    active: a.active,
    created_at: a.createdAt.toISOString(),
    updated_at: a.updatedAt.toISOString(),
  };
}
