import { p, type InferEntity } from "@mikro-orm/core";
import { defineOrgEntity } from "../base/org-scoped.ts";
import { uuidPrimaryKey } from "../base/primary-key.ts";
import { Booking } from "../bookings/booking.ts";

/** A customer of the cleaning company. */
export const ClientUser = defineOrgEntity({
  name: "ClientUser",
  tableName: "client_users",
  properties: {
    id: uuidPrimaryKey(),
    name: p.text().check("length(btrim(name)) > 0"),
    email: p.text().nullable(),
    phone: p.text().nullable(),
    address: p.text().nullable(),
    notes: p.text().nullable(),
    // Archived clients keep their history but leave lists and pickers; nothing is deleted.
    archivedAt: p.datetime().nullable(),
    createdAt: p.datetime().defaultRaw("now()"),
    updatedAt: p
      .datetime()
      .defaultRaw("now()")
      .onUpdate(() => new Date()),
    bookings: () => p.oneToMany(Booking).mappedBy("client"),
  },
  uniques: [{ properties: ["orgId", "id"] }],
  indexes: [
    { properties: ["orgId", "createdAt"] },
    {
      name: "client_users_email_idx",
      expression: (cols, table, name) => `create index ${name} on ${table.qualifiedName} (lower(${cols.email}))`,
    },
  ],
});

export type IClientUser = InferEntity<typeof ClientUser>;
