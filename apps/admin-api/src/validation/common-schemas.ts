import { MAX_PASSWORD_LENGTH, ROLES } from "@cleanops/db";
import { z } from "zod";
import { email, id } from "../kernel/schemas.ts";

// The identity routes' schemas, built from the kernel's blocks so both follow one rule per field.

/** Emails are compared and stored trimmed and lower-cased (the users and invitations CHECK constraints). */
export const emailSchema = email();

export const idSchema = id();

export const roleSchema = z.enum(ROLES);

/** A password being checked: any length a human might type, bounded so argon2 is not fed megabytes. */
export const passwordSchema = z
  .string()
  .min(1)
  .max(MAX_PASSWORD_LENGTH)
  .refine((s) => !s.includes("\u0000"), { error: "a NUL character is not allowed" });

/** An opaque token as `generateOpaqueToken` makes them (43 base64url characters), with room for longer ones. */
export const opaqueTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{32,256}$/, { error: "not a token" });

export { idParams } from "../kernel/schemas.ts";
