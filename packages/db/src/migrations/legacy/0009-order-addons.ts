import { sqlMigration } from "../sql-migration.ts";

// Add-ons on one booking, with the price at booking time.
export const m0009OrderAddons = sqlMigration({
  up: [
    `CREATE TABLE order_addons (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      booking_id uuid NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
      addon_id uuid NOT NULL REFERENCES addon_definitions (id) ON DELETE RESTRICT,
      quantity integer NOT NULL DEFAULT 1 CHECK (quantity > 0),
      unit_price_cents integer NOT NULL CHECK (unit_price_cents >= 0),
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT order_addons_booking_id_addon_id_key UNIQUE (booking_id, addon_id)
    )`,
  ],
  down: [`DROP TABLE order_addons`],
});
