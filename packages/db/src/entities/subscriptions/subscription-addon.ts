import { p, type InferEntity } from "@mikro-orm/core";
import { AddonDefinition } from "../addons/addon-definition.ts";
import { defineOrgEntity, orgFk } from "../base/org-scoped.ts";
import { uuidPrimaryKey } from "../base/primary-key.ts";
import { Subscription } from "./subscription.ts";

/** An add-on included in every booking of a subscription. */
export const SubscriptionAddon = defineOrgEntity({
  name: "SubscriptionAddon",
  tableName: "subscription_addons",
  properties: {
    id: uuidPrimaryKey(),
    subscription: () =>
      p.manyToOne(Subscription).ref().foreignKeyName(orgFk("subscription_addons", "subscription_id")).deleteRule("cascade"),
    addon: () => p.manyToOne(AddonDefinition).ref().foreignKeyName(orgFk("subscription_addons", "addon_id")).deleteRule("restrict"),
    quantity: p.integer().default(1).check("quantity > 0"),
  },
  uniques: [{ properties: ["subscription", "addon"] }],
  indexes: [{ properties: ["orgId"] }],
});

export type ISubscriptionAddon = InferEntity<typeof SubscriptionAddon>;
