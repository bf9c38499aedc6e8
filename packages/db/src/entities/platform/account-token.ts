import { defineEntity, p, type InferEntity } from "@mikro-orm/core";
import { PLATFORM_POLICIES } from "../../tenancy/platform-policies.ts";
import { uuidPrimaryKey } from "../base/primary-key.ts";
import { User } from "./user.ts";

export const ACCOUNT_TOKEN_PURPOSES = ["verify_email", "password_reset"] as const;
export type AccountTokenPurpose = (typeof ACCOUNT_TOKEN_PURPOSES)[number];

/**
 * A single-use link sent by mail (migration 0044): an email verification or a password reset. Only its SHA-256 is
 * stored; `email` is the address it was sent to (the link proves that address, even if the account's changes).
 */
export const AccountToken = defineEntity({
  name: "AccountToken",
  tableName: "account_tokens",
  // Row-level security of 0052 (tenancy/platform-policies.ts).
  policies: [...PLATFORM_POLICIES.account_tokens],
  rowLevelSecurity: "force",
  properties: {
    id: uuidPrimaryKey(),
    user: () => p.manyToOne(User).ref().deleteRule("cascade"),
    purpose: p.enum(ACCOUNT_TOKEN_PURPOSES).check("purpose IN ('verify_email', 'password_reset')"),
    email: p.text().check("email = lower(btrim(email))"),
    tokenHash: p.text().unique().check("token_hash ~ '^[0-9a-f]{64}$'"),
    expiresAt: p.datetime(),
    usedAt: p.datetime().nullable(),
    createdAt: p.datetime().defaultRaw("now()"),
  },
  indexes: [{ properties: ["user"] }],
});

export type IAccountToken = InferEntity<typeof AccountToken>;
