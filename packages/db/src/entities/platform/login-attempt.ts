import { defineEntity, p, type InferEntity } from "@mikro-orm/core";
import { PLATFORM_POLICIES } from "../../tenancy/platform-policies.ts";
import { uuidPrimaryKey } from "../base/primary-key.ts";

/**
 * One staff sign-in attempt (migration 0038), kept for throttling per email and per IP across restarts and
 * instances. A platform table: a failed attempt for an unknown email belongs to no org.
 */
export const LoginAttempt = defineEntity({
  name: "LoginAttempt",
  tableName: "login_attempts",
  // Row-level security of 0052 (tenancy/platform-policies.ts).
  policies: [...PLATFORM_POLICIES.login_attempts],
  rowLevelSecurity: "force",
  properties: {
    id: uuidPrimaryKey(),
    email: p.text(),
    ip: p.string().columnType("inet").nullable(),
    succeeded: p.boolean(),
    attemptedAt: p.datetime().defaultRaw("now()"),
  },
  indexes: [{ properties: ["email", "attemptedAt"] }, { properties: ["ip", "attemptedAt"] }],
});

export type ILoginAttempt = InferEntity<typeof LoginAttempt>;
