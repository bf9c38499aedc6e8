import { p, type InferEntity } from "@mikro-orm/core";
import { defineOrgEntity, orgFk } from "../base/org-scoped.ts";
import { uuidPrimaryKey } from "../base/primary-key.ts";
import { ClientUser } from "../clients/client-user.ts";
import { SubscriptionAddon } from "./subscription-addon.ts";

/** A client's recurring cleaning plan. */
export const Subscription = defineOrgEntity({
  name: "Subscription",
  tableName: "subscriptions",
  properties: {
    id: uuidPrimaryKey(),
    client: () => p.manyToOne(ClientUser).ref().foreignKeyName(orgFk("subscriptions", "client_id")).deleteRule("restrict"),
    frequency: p.enum(["weekly", "biweekly", "monthly"]),
    nextBookingAt: p.datetime().nullable(),
    // The length of each booking the plan makes (add-ons' durations are added on top).
    durationMinutes: p.integer().default(120).check("duration_minutes > 0"),
    // The day of the month a monthly plan was started on: kept so the 31st returns after a short month.
    anchorDay: p.integer().nullable().check("anchor_day >= 1 AND anchor_day <= 31"),
    priceCents: p.integer().check("price_cents >= 0"),
    currency: p.text().check("currency ~ '^[A-Z]{3}$'"),
    status: p.enum(["active", "paused", "cancelled"]).default("active"),
    createdAt: p.datetime().defaultRaw("now()"),
    updatedAt: p
      .datetime()
      .defaultRaw("now()")
      .onUpdate(() => new Date()),
    addons: () => p.oneToMany(SubscriptionAddon).mappedBy("subscription"),
  },
  uniques: [{ properties: ["orgId", "id"] }],
  indexes: [{ properties: ["orgId", "status"] }, { properties: ["orgId", "createdAt"] }],
});

export type ISubscription = InferEntity<typeof Subscription>;
