import { ROLES } from "@cleanops/db";
import { z } from "zod";
import { idSchema, roleSchema } from "../../validation/common-schemas.ts";

export const ChangeRoleBody = z.object({ role: roleSchema }).strict();
export const TransferBody = z.object({ membership_id: idSchema }).strict();

export const MembershipSchema = z
  .object({
    id: z.string(),
    org_id: z.string(),
    user: z.object({ id: z.string(), email: z.string(), name: z.string().nullable(), disabled: z.boolean() }),
    role: z.enum(ROLES),
    created_at: z.string(),
    revoked_at: z.string().nullable(),
  })
  .meta({ id: "Membership" });

export const MembershipList = z.object({ memberships: z.array(MembershipSchema) });
export const Transferred = z.object({ owner: MembershipSchema, previous_owner: MembershipSchema });
