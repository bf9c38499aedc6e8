import { defineEntity, p, type InferEntity } from "@mikro-orm/core";
import { PLATFORM_POLICIES } from "../../tenancy/platform-policies.ts";
import { uuidPrimaryKey } from "../base/primary-key.ts";
import { Membership } from "./membership.ts";

/** A staff login for admin-api; global, and member of any number of orgs through memberships. */
export const User = defineEntity({
  name: "User",
  tableName: "users",
  // Row-level security of 0052 (tenancy/platform-policies.ts).
  policies: [...PLATFORM_POLICIES.users],
  rowLevelSecurity: "force",
  properties: {
    id: uuidPrimaryKey(),
    // Stored lower-cased and trimmed; uniqueness is case-insensitive through the lower(email) index below.
    // `~~` is LIKE as PostgreSQL stores it; the schema diff compares the stored form.
    email: p.text().check("email = lower(btrim(email)) AND email ~~ '%_@_%'"),
    // The app role may not read the column (0052): never selected unless asked for; sign-in reads it through
    // find_account_by_email. Written as usual (a new account, a password change or reset).
    passwordHash: p.text().nullable().hidden().lazy(),
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
