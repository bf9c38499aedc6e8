import { sqlMigration } from "../sql-migration.ts";

// Add-ons included in each booking of a subscription.
export const m0024SubscriptionAddons = sqlMigration({
  up: [
    `CREATE TABLE subscription_addons (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      subscription_id uuid NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
      addon_id uuid NOT NULL REFERENCES addon_definitions (id) ON DELETE RESTRICT,
      quantity integer NOT NULL DEFAULT 1 CHECK (quantity > 0),
      CONSTRAINT subscription_addons_subscription_id_addon_id_key UNIQUE (subscription_id, addon_id)
    )`,
  ],
  down: [`DROP TABLE subscription_addons`],
});
