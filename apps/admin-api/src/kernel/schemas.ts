import { z } from "zod";

/**
 * The building blocks of every request and response schema, so one rule holds everywhere: strings refuse control
 * characters (a NUL byte reaches PostgreSQL as an error), money is integer cents with an ISO 4217 code, ids are
 * UUIDs and times are ISO 8601 with an offset.
 */

// Tab, line feed and carriage return are text; every other C0 control and DEL is not.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** A trimmed line of text, 1..max characters, no control characters. */
export const text = (max = 200) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !CONTROL.test(s), { error: "control characters are not allowed" });

/** Free text (notes, addresses): may hold line breaks, still no other control characters. */
export const longText = (max = 5000) => text(max);

/** An optional text field that may also be cleared with null (PATCH). */
export const nullableText = (max = 200) => text(max).nullable();

/** Any 8-4-4-4-12 id, lower-cased: the Default org's fixed id is not an RFC 9562 version-4 UUID. */
export const id = () =>
  z
    .guid()
    .transform((s) => s.toLowerCase())
    .meta({ format: "uuid" });

export const idParams = z.object({ id: id() });

export const email = () => z.string().trim().toLowerCase().max(320).pipe(z.email()).meta({ format: "email" });

export const phone = () =>
  z
    .string()
    .trim()
    .regex(/^\+?[0-9 ().-]{3,40}$/, { error: "not a phone number" });

export const cents = () => z.number().int().min(0).max(100_000_000_00);

export const currency = () =>
  z
    .string()
    .regex(/^[A-Z]{3}$/, { error: "an ISO 4217 code such as EUR" })
    .meta({ example: "EUR" });

/** An instant sent by a client: ISO 8601 with Z or an offset, returned as a Date. */
export const instant = () =>
  z.iso
    .datetime({ offset: true })
    .transform((s) => new Date(s))
    .meta({ format: "date-time" });

/** An instant in a response: always UTC ISO 8601. */
export const isoTime = () => z.string().meta({ format: "date-time" });

/** Query-string booleans: only `true` and `false`. */
export const queryBoolean = () =>
  z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .optional();
