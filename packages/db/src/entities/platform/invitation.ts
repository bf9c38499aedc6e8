import { defineEntity, p, type InferEntity } from "@mikro-orm/core";
import { PLATFORM_POLICIES } from "../../tenancy/platform-policies.ts";
import { uuidPrimaryKey } from "../base/primary-key.ts";
import { MEMBERSHIP_ROLES } from "./membership.ts";
import { Organization } from "./organization.ts";
import { User } from "./user.ts";

/**
 * An invitation to join an org with a role (migration 0038): bound to one email, single use, stored as the SHA-256
 * of its token. A platform table: it is redeemed by someone who has no org context yet.
 */
export const Invitation = defineEntity({
  name: "Invitation",
  tableName: "invitations",
  // Row-level security of 0052 (tenancy/platform-policies.ts).
  policies: [...PLATFORM_POLICIES.invitations],
  rowLevelSecurity: "force",
  properties: {
    id: uuidPrimaryKey(),
    organization: () => p.manyToOne(Organization).ref().fieldName("org_id").deleteRule("cascade"),
    email: p.text().check("email = lower(btrim(email))"),
    role: p.enum(MEMBERSHIP_ROLES),
    tokenHash: p.text().unique().check("token_hash ~ '^[0-9a-f]{64}$'"),
    invitedBy: () => p.manyToOne(User).ref().nullable().fieldName("invited_by_user_id").deleteRule("set null"),
    expiresAt: p.datetime(),
    acceptedAt: p.datetime().nullable(),
    acceptedBy: () => p.manyToOne(User).ref().nullable().fieldName("accepted_by_user_id").deleteRule("set null"),
    revokedAt: p.datetime().nullable(),
    createdAt: p.datetime().defaultRaw("now()"),
  },
  indexes: [{ properties: ["organization", "createdAt"] }],
});

export type IInvitation = InferEntity<typeof Invitation>;
