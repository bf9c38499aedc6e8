import { p, type InferEntity } from "@mikro-orm/core";
import { defineOrgEntity } from "../base/org-scoped.ts";
import { uuidPrimaryKey } from "../base/primary-key.ts";

/** An extra the company sells with a booking (inside the fridge, windows…). */
export const AddonDefinition = defineOrgEntity({
  name: "AddonDefinition",
  tableName: "addon_definitions",
  properties: {
    id: uuidPrimaryKey(),
    name: p.text(),
    priceCents: p.integer().check("price_cents >= 0"),
    currency: p.text().check("currency ~ '^[A-Z]{3}$'"),
    durationMinutes: p.integer().default(0).check("duration_minutes >= 0"),
    active: p.boolean().default(true),
    createdAt: p.datetime().defaultRaw("now()"),
    updatedAt: p
      .datetime()
      .defaultRaw("now()")
      .onUpdate(() => new Date()),
  },
  uniques: [{ properties: ["orgId", "id"] }, { properties: ["orgId", "name"] }],
  indexes: [{ properties: ["orgId", "createdAt"] }],
});

export type IAddonDefinition = InferEntity<typeof AddonDefinition>;
