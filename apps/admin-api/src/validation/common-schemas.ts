import { MIN_PASSWORD_LENGTH } from "@cleanops/auth";
import { ROLES } from "@cleanops/db";
import { z } from "zod";

/** Emails are compared and stored trimmed and lower-cased (the users and invitations CHECK constraints). */
export const emailSchema = z.string().trim().toLowerCase().max(320).pipe(z.email());

/** Any 8-4-4-4-12 id, lower-cased: the Default org's fixed id is not an RFC 9562 version-4 UUID. */
export const idSchema = z.guid().transform((s) => s.toLowerCase());

export const roleSchema = z.enum(ROLES);

/** A password being checked: any length a human might type, bounded so argon2 is not fed megabytes. */
export const passwordSchema = z.string().min(1).max(1024);

/** A password being set. */
export const newPasswordSchema = z.string().min(MIN_PASSWORD_LENGTH).max(1024);

/** An opaque token as `generateOpaqueToken` makes them (43 base64url characters), with room for longer ones. */
export const opaqueTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{32,256}$/, { error: "not a token" });

export const idParams = z.object({ id: idSchema });
