import { ROLES } from "@cleanops/db";
import { z } from "zod";
import { text } from "../../kernel/schemas.ts";
import { emailSchema, opaqueTokenSchema, passwordSchema, roleSchema } from "../../validation/common-schemas.ts";

export const InviteBody = z.object({ email: emailSchema, role: roleSchema }).strict();
export const AcceptBody = z
  .object({
    token: opaqueTokenSchema,
    email: emailSchema,
    password: passwordSchema,
    name: text(200).optional(),
  })
  .strict();

export const InvitationSchema = z
  .object({
    id: z.string(),
    org_id: z.string(),
    email: z.string(),
    role: z.enum(ROLES),
    invited_by_user_id: z.string().nullable(),
    expires_at: z.string(),
    created_at: z.string(),
  })
  .meta({ id: "Invitation" });

export const InvitationList = z.object({ invitations: z.array(InvitationSchema) });
export const Invited = z.object({
  invitation: InvitationSchema,
  token: z
    .string()
    .optional()
    .meta({ description: "Only without a mail server (the demo): shown once, deliver it to the invitee. Otherwise it is mailed." }),
});
