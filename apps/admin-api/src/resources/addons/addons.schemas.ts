import { pageQuery } from "@cleanops/http";
import { z } from "zod";
import { cents, currency, id, isoTime, queryBoolean, text } from "../../kernel/schemas.ts";

/** A day is the longest an extra can add to a job: anything longer is a typo, not a service. */
const durationMinutes = () =>
  z
    .number()
    .int()
    .min(0)
    .max(24 * 60);

export const CreateAddon = z
  .object({
    name: text(200),
    price_cents: cents(),
    currency: currency(),
    duration_minutes: durationMinutes(),
  })
  .strict();

// The currency is not changeable: bookings and subscriptions priced the add-on in it.
export const UpdateAddon = z
  .object({
    name: text(200),
    price_cents: cents(),
    duration_minutes: durationMinutes(),
  })
  .partial()
  .strict();

export const ListAddonsQuery = pageQuery.extend({
  active: queryBoolean().meta({ description: "Only active (true) or only inactive (false) add-ons" }),
});

export const AddonDefinition = z
  .object({
    id: id(),
    name: z.string(),
    price_cents: z.number().int(),
    currency: z.string(),
    duration_minutes: z.number().int(),
    active: z.boolean(),
    created_at: isoTime(),
    updated_at: isoTime(),
  })
  .meta({ id: "AddonDefinition" });

export type CreateAddonInput = z.output<typeof CreateAddon>;
export type UpdateAddonInput = z.output<typeof UpdateAddon>;
export type ListAddonsInput = z.output<typeof ListAddonsQuery>;
