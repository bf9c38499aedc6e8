import { pageQuery } from "@cleanops/http";
import { z } from "zod";
import { cents, currency, id, instant, isoTime, longText, queryBoolean } from "../../kernel/schemas.ts";
import { BOOKING_STATUS_VALUES } from "./bookings.rules.ts";

/** A job lasts at most a day: longer work is several bookings. */
export const MAX_DURATION_MINUTES = 24 * 60;

const duration = () => z.number().int().min(1).max(MAX_DURATION_MINUTES);

export const CreateBooking = z
  .object({
    client_id: id(),
    starts_at: instant(),
    duration_minutes: duration().meta({ description: "The base job; each add-on's duration is added" }),
    price_cents: cents().meta({ description: "The base price; add-ons are priced on top" }),
    currency: currency(),
    address: longText(1000).optional().meta({ description: "Defaults to the client's address" }),
    notes: longText(5000).optional(),
    addons: z
      .array(z.object({ addon_id: id(), quantity: z.number().int().min(1).max(100).default(1) }).strict())
      .max(50)
      .refine((list) => new Set(list.map((a) => a.addon_id)).size === list.length, { error: "an add-on may appear once" })
      .optional(),
  })
  .strict();

export const ListBookingsQuery = pageQuery.extend({
  status: z.enum(BOOKING_STATUS_VALUES).optional(),
  team_id: id().optional(),
  client_id: id().optional(),
  unassigned: queryBoolean(),
  from: instant().optional().meta({ description: "Jobs starting at or after this instant" }),
  to: instant().optional().meta({ description: "Jobs starting before this instant" }),
});

export const AssignBooking = z.object({ team_id: id() }).strict();

export const ChangeStatus = z.object({ status: z.enum(BOOKING_STATUS_VALUES) }).strict();

export const RescheduleBooking = z
  .object({
    starts_at: instant(),
    duration_minutes: duration().optional().meta({ description: "The whole job's length, add-ons included" }),
  })
  .strict();

export const ScheduleQuery = z.object({
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .meta({ description: "A local date in the team's time zone", example: "2026-12-03" }),
});

export const BookingAddon = z
  .object({
    id: id(),
    addon_id: id(),
    name: z.string(),
    quantity: z.number().int(),
    unit_price_cents: z.number().int(),
  })
  .meta({ id: "BookingAddon" });

export const Booking = z
  .object({
    id: id(),
    client_id: id(),
    team_id: id().nullable(),
    status: z.enum(BOOKING_STATUS_VALUES),
    starts_at: isoTime(),
    ends_at: isoTime(),
    duration_minutes: z.number().int(),
    address: z.string(),
    price_cents: z.number().int(),
    addons_total_cents: z.number().int(),
    total_cents: z.number().int(),
    currency: z.string(),
    notes: z.string().nullable(),
    subscription_id: id().nullable().meta({ description: "The plan whose due-run made this booking" }),
    occurrence_date: z.string().nullable().meta({ description: "The plan's occurrence (UTC date) this booking is" }),
    addons: z.array(BookingAddon),
    created_at: isoTime(),
    updated_at: isoTime(),
  })
  .meta({ id: "Booking" });

export const TeamSchedule = z
  .object({
    team_id: id(),
    date: z.string(),
    timezone: z.string(),
    starts_at: isoTime(),
    ends_at: isoTime(),
    items: z.array(Booking),
  })
  .meta({ id: "TeamSchedule" });

export type CreateBookingInput = z.output<typeof CreateBooking>;
export type ListBookingsInput = z.output<typeof ListBookingsQuery>;
export type RescheduleInput = z.output<typeof RescheduleBooking>;
