import { defineEntity, p, type InferEntity } from "@mikro-orm/core";
import { PLATFORM_POLICIES } from "../../tenancy/platform-policies.ts";
import { uuidPrimaryKey } from "../base/primary-key.ts";
import { Organization } from "./organization.ts";
import { User } from "./user.ts";

/**
 * A staff refresh token (migration 0038), bound to one user and one org. Only its SHA-256 is stored; each exchange
 * spends it (`usedAt`) and issues a successor in the same family, so a spent token coming back revokes the family.
 * A platform table: looked up by hash before any context exists (0052's `find_refresh_token`), then read and written
 * only as its own user (row-level security).
 */
export const RefreshToken = defineEntity({
  name: "RefreshToken",
  tableName: "refresh_tokens",
  // Row-level security of 0052 (tenancy/platform-policies.ts).
  policies: [...PLATFORM_POLICIES.refresh_tokens],
  rowLevelSecurity: "force",
  properties: {
    id: uuidPrimaryKey(),
    user: () => p.manyToOne(User).ref().deleteRule("cascade"),
    organization: () => p.manyToOne(Organization).ref().fieldName("org_id").deleteRule("cascade"),
    familyId: p.uuid(),
    tokenHash: p.text().unique().check("token_hash ~ '^[0-9a-f]{64}$'"),
    expiresAt: p.datetime(),
    usedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
    createdAt: p.datetime().defaultRaw("now()"),
  },
  indexes: [{ properties: ["familyId"] }, { properties: ["user"] }],
});

export type IRefreshToken = InferEntity<typeof RefreshToken>;
