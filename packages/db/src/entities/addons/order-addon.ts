import { p, type InferEntity } from "@mikro-orm/core";
import { defineOrgEntity, orgFk } from "../base/org-scoped.ts";
import { uuidPrimaryKey } from "../base/primary-key.ts";
import { Booking } from "../bookings/booking.ts";
import { AddonDefinition } from "./addon-definition.ts";

/** An add-on on one booking, with its unit price frozen at booking time. */
export const OrderAddon = defineOrgEntity({
  name: "OrderAddon",
  tableName: "order_addons",
  properties: {
    id: uuidPrimaryKey(),
    booking: () => p.manyToOne(Booking).ref().foreignKeyName(orgFk("order_addons", "booking_id")).deleteRule("cascade"),
    addon: () => p.manyToOne(AddonDefinition).ref().foreignKeyName(orgFk("order_addons", "addon_id")).deleteRule("restrict"),
    quantity: p.integer().default(1).check("quantity > 0"),
    unitPriceCents: p.integer().check("unit_price_cents >= 0"),
    createdAt: p.datetime().defaultRaw("now()"),
  },
  uniques: [{ properties: ["booking", "addon"] }],
  indexes: [{ properties: ["orgId", "createdAt"] }],
});

export type IOrderAddon = InferEntity<typeof OrderAddon>;
