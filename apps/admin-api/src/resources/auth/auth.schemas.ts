import { ROLES } from "@cleanops/db";
import { z } from "zod";
import { emailSchema, idSchema, opaqueTokenSchema, passwordSchema } from "../../validation/common-schemas.ts";

export const LoginBody = z.object({ email: emailSchema, password: passwordSchema, org_id: idSchema.optional() }).strict();
export const RefreshBody = z.object({ refresh_token: opaqueTokenSchema }).strict();
export const ChangePasswordBody = z.object({ current_password: passwordSchema, new_password: passwordSchema }).strict();
export const PasswordResetBody = z.object({ email: emailSchema }).strict();
export const PasswordResetConfirmBody = z.object({ token: opaqueTokenSchema, password: passwordSchema }).strict();
export const VerifyEmailBody = z.object({ token: opaqueTokenSchema }).strict();
export const ResetRequested = z
  .object({ status: z.literal("accepted"), message: z.string() })
  .meta({ id: "ResetRequested", description: "The same answer whether or not the address has an account" });
export const SwitchOrgBody = z.object({ org_id: idSchema }).strict();

const role = z.enum(ROLES);
const orgRef = z.object({ org_id: z.string(), name: z.string(), slug: z.string() });
const userRef = z.object({ id: z.string(), email: z.string(), name: z.string().nullable() });

/** Every sign-in, refresh, switch, sign-up and redemption answers with a token pair and who it is for. */
export const Session = z
  .object({
    access_token: z.string(),
    token_type: z.literal("Bearer"),
    expires_in: z.number().int(),
    access_token_expires_at: z.string(),
    refresh_token: z.string(),
    refresh_token_expires_at: z.string(),
    org: orgRef,
    role,
    user: userRef,
  })
  .meta({ id: "Session" });

export const OrgChoice = z.object({ org_id: z.string(), name: z.string(), slug: z.string(), role });

/** A sign-in into an account with several orgs and no `org_id`: which org? (no token yet) */
export const OrgRequired = z.object({ org_required: z.literal(true), user: userRef, orgs: z.array(OrgChoice) }).meta({ id: "OrgRequired" });

export const Me = z
  .object({
    user: userRef,
    org_id: z.string(),
    role,
    memberships: z.array(OrgChoice.extend({ membership_id: z.string() })),
  })
  .meta({ id: "Me" });
