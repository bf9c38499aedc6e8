import { slugSchema } from "@cleanops/db";
import { z } from "zod";
import { text } from "../../kernel/schemas.ts";
import { emailSchema, passwordSchema } from "../../validation/common-schemas.ts";
import { Session } from "../auth/auth.schemas.ts";

const orgName = text(200);

export const SignUpBody = z.object({
  organization: z.object({
    name: orgName,
    slug: slugSchema.optional(),
  }),
  owner: z.object({
    email: emailSchema,
    // A new account sets its password here (at least 10 characters, checked by signUp); an existing one proves it.
    password: passwordSchema,
    name: text(200).optional(),
  }),
});

export const PatchOrgBody = z.object({ name: orgName }).strict();

export const Org = z
  .object({ org_id: z.string(), name: z.string(), slug: z.string(), status: z.enum(["active", "suspended"]), created_at: z.string() })
  .meta({ id: "Organization" });

export const SignedUp = Session.extend({ organization: Org }).meta({ id: "SignedUp" });

export const Billing = z
  .object({ plan: z.string(), status: z.string(), seats: z.number().int(), current_period_end: z.string().nullable() })
  .meta({ id: "Billing" });
