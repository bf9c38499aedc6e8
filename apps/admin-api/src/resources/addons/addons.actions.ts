import { entities, type IAddonDefinition } from "@cleanops/db";
import type { AdminContext } from "../../kernel/context.ts";
import { findAddon } from "./addons.queries.ts";
import type { CreateAddonInput, UpdateAddonInput } from "./addons.schemas.ts";
import { addonView } from "./addons.view.ts";

const { AddonDefinition } = entities;

// A duplicate name is refused by the unique key (org_id, name): 409 already_exists, also under concurrency.
export async function createAddon(ctx: AdminContext, input: CreateAddonInput): Promise<IAddonDefinition> {
  // Nothing to await before the insert: the mutation's flush writes it.
  return ctx.mutate((tx, audit) => {
    const addon = tx.create(AddonDefinition, {
      name: input.name,
      priceCents: input.price_cents,
      currency: input.currency,
      durationMinutes: input.duration_minutes,
      active: true,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    });
    audit.created("addon", addon.id, addonView(addon));
    return Promise.resolve(addon);
  });
}

/**
 * Changes the definition only: bookings copied the unit price into order_addons when they were made, so a new price
 * applies to bookings made from now on.
 */
export async function updateAddon(ctx: AdminContext, id: string, input: UpdateAddonInput): Promise<IAddonDefinition> {
  return ctx.mutate(async (tx, audit) => {
    const addon = await findAddon(tx, id);
    const before = addonView(addon);
    tx.assign(addon, {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.price_cents !== undefined ? { priceCents: input.price_cents } : {}),
      ...(input.duration_minutes !== undefined ? { durationMinutes: input.duration_minutes } : {}),
    });
    audit.updated("addon", addon.id, before, addonView(addon));
    return addon;
  });
}

/** An inactive add-on is no longer offered on new bookings; existing ones keep it. Setting the same state twice changes nothing. */
export async function setAddonActive(ctx: AdminContext, id: string, active: boolean): Promise<IAddonDefinition> {
  return ctx.mutate(async (tx, audit) => {
    const addon = await findAddon(tx, id);
    if (addon.active === active) return addon;
    const before = addonView(addon);
    addon.active = active;
    audit.updated("addon", addon.id, before, addonView(addon), active ? "addon.activated" : "addon.deactivated");
    return addon;
  });
}
