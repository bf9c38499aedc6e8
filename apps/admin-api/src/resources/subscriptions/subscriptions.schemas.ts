import { pageQuery } from "@cleanops/http";
import { z } from "zod";
import { cents, currency, id, instant, isoTime } from "../../kernel/schemas.ts";
import { MAX_DURATION_MINUTES } from "../bookings/bookings.schemas.ts";
import { FREQUENCY_VALUES, SUBSCRIPTION_STATUS_VALUES } from "./subscriptions.rules.ts";

const calendarDate = () =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, { error: "a date as YYYY-MM-DD" })
    .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), {
      error: "not a calendar date",
    })
    .meta({ example: "2026-12-03" });

export const CreateSubscription = z
  .object({
    client_id: id(),
    frequency: z.enum(FREQUENCY_VALUES),
    next_booking_at: instant().meta({
      description: "The first booking; a monthly plan keeps this day of the month (the month's last day when shorter)",
    }),
    duration_minutes: z.number().int().min(1).max(MAX_DURATION_MINUTES).meta({ description: "Each booking's base length" }),
    price_cents: cents().meta({ description: "Each booking's base price; add-ons are priced on top when booked" }),
    currency: currency(),
    addons: z
      .array(z.object({ addon_id: id(), quantity: z.number().int().min(1).max(100).default(1) }).strict())
      .max(50)
      .refine((list) => new Set(list.map((a) => a.addon_id)).size === list.length, { error: "an add-on may appear once" })
      .optional(),
  })
  .strict();

export const ListSubscriptionsQuery = pageQuery.extend({
  status: z.enum(SUBSCRIPTION_STATUS_VALUES).optional(),
  client_id: id().optional(),
});

export const DueRunBody = z
  .object({ date: calendarDate().optional().meta({ description: "Book occurrences due on or before this UTC date (default today)" }) })
  .strict();

export const SubscriptionAddon = z
  .object({ id: id(), addon_id: id(), name: z.string(), quantity: z.number().int() })
  .meta({ id: "SubscriptionAddon" });

export const Subscription = z
  .object({
    id: id(),
    client_id: id(),
    frequency: z.enum(FREQUENCY_VALUES),
    status: z.enum(SUBSCRIPTION_STATUS_VALUES),
    next_booking_at: isoTime().nullable(),
    anchor_day: z.number().int().nullable().meta({ description: "A monthly plan's day of the month" }),
    duration_minutes: z.number().int(),
    price_cents: z.number().int(),
    currency: z.string(),
    addons: z.array(SubscriptionAddon),
    created_at: isoTime(),
    updated_at: isoTime(),
  })
  .meta({ id: "Subscription" });

export const DueRunResult = z
  .object({
    date: z.string(),
    due: z.number().int().meta({ description: "Active plans with an occurrence due" }),
    created: z.number().int().meta({ description: "Bookings this run created" }),
    existing: z.number().int().meta({ description: "Occurrences already booked (by an earlier or concurrent run)" }),
    skipped: z.number().int().meta({ description: "Due plans whose client is archived or has no address" }),
  })
  .meta({ id: "DueRunResult" });

export type CreateSubscriptionInput = z.output<typeof CreateSubscription>;
export type ListSubscriptionsInput = z.output<typeof ListSubscriptionsQuery>;
