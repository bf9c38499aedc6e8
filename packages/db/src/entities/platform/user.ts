import { defineEntity, p, type InferEntity } from "@mikro-orm/core";
import { uuidPrimaryKey } from "../base/primary-key.ts";
import { Membership } from "./membership.ts";

/** A staff login for admin-api; global, and member of any number of orgs through memberships. */
export const User = defineEntity({
  name: "User",
  tableName: "users",
  properties: {
    id: uuidPrimaryKey(),
    // Stored lower-cased and trimmed; uniqueness is case-insensitive through the lower(email) index below.
    // `~~` is LIKE as PostgreSQL stores it; the schema diff compares the stored form.
    email: p.text().check("email = lower(btrim(email)) AND email ~~ '%_@_%'"),
    passwordHash: p.text().nullable().hidden(),
    name: p.text().nullable(),
    disabledAt: p.datetime().nullable(),
    // Null until the address is proven (a verification link, a password reset or an accepted invitation): 0044.
    emailVerifiedAt: p.datetime().nullable(),
    // Access tokens issued before this are refused (sign out everywhere, a password change or reset): 0044.
    tokensValidAfter: p.datetime().nullable(),
    createdAt: p.datetime().defaultRaw("now()"),
    updatedAt: p
      .datetime()
      .defaultRaw("now()")
      .onUpdate(() => new Date()),
    memberships: () => p.oneToMany(Membership).mappedBy("user"),
  },
  uniques: [
    {
      name: "users_email_key",
      expression: (cols, table, name) => `create unique index ${name} on ${table.qualifiedName} (lower(${cols.email}))`,
    },
  ],
});

export type IUser = InferEntity<typeof User>;
