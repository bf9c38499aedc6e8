import { pageQuery } from "@cleanops/http";
import { z } from "zod";
import { id, instant, isoTime, text } from "../../kernel/schemas.ts";
import { isForwardInterval, isForwardRange, LOCAL_TIME, timeZoneIdentity } from "./team-schedules.rules.ts";

const localTime = () =>
  z.string().regex(LOCAL_TIME, { error: 'a wall-clock time "HH:MM" (24:00 only as an end)' }).meta({ example: "08:30" });

/** An IANA time zone name, as Intl.DateTimeFormat knows them. */
const timeZone = () =>
  z
    .string()
    .trim()
    .max(64)
    .refine((name) => timeZoneIdentity(name) !== undefined, { error: "not an IANA time zone such as Europe/Paris" })
    .meta({ example: "Europe/Paris" });

/**
 * Zod still runs an object's refinements when a field failed (a bad format, a missing field): the pair is judged
 * only when both sides parsed, the field's own issue already says what is wrong otherwise.
 */
const endsAfter = (start: unknown, end: unknown): boolean =>
  start instanceof Date && end instanceof Date ? isForwardRange(start, end) : true;
const endsAfterLocal = (start: unknown, end: unknown): boolean =>
  typeof start === "string" && typeof end === "string" ? isForwardInterval(start, end) : true;

export const TeamHoursParams = z.object({ id: id(), hours_id: id() });
export const TeamBlackoutParams = z.object({ id: id(), blackout_id: id() });

export const CreateWorkingHours = z
  .object({
    weekday: z.number().int().min(0).max(6).meta({ description: "0 = Sunday … 6 = Saturday" }),
    starts_at_local: localTime(),
    ends_at_local: localTime().meta({ description: '"24:00" ends at midnight' }),
    timezone: timeZone(),
  })
  .strict()
  .refine((b) => endsAfterLocal(b.starts_at_local, b.ends_at_local), {
    path: ["ends_at_local"],
    error: "must be after starts_at_local; send a shift across midnight as two rows (… → 24:00, then 00:00 → …)",
  });

export const CreateBlackout = z
  .object({
    starts_at: instant(),
    ends_at: instant(),
    reason: text(500).optional(),
  })
  .strict()
  .refine((b) => endsAfter(b.starts_at, b.ends_at), {
    path: ["ends_at"],
    error: "must be after starts_at",
  });

export const ListBlackoutsQuery = pageQuery
  .extend({
    from: instant().optional().meta({ description: "Only blackouts still running at or after this instant" }),
    to: instant().optional().meta({ description: "Only blackouts starting before this instant" }),
  })
  .refine((q) => endsAfter(q.from, q.to), { path: ["to"], error: "must be after from" });

export const TeamWorkingHours = z
  .object({
    id: id(),
    team_id: id(),
    weekday: z.number().int(),
    starts_at_local: z.string().meta({ example: "08:00" }),
    ends_at_local: z.string().meta({ example: "17:00" }),
    timezone: z.string(),
  })
  .meta({ id: "TeamWorkingHours" });

export const TeamBlackout = z
  .object({
    id: id(),
    team_id: id(),
    starts_at: isoTime(),
    ends_at: isoTime(),
    reason: z.string().nullable(),
    created_at: isoTime(),
  })
  .meta({ id: "TeamBlackout" });

export const WorkingHoursList = z
  .object({ items: z.array(TeamWorkingHours), next_cursor: z.null() })
  .meta({ description: "Every interval of the team (a schedule is at most 70 rows), by weekday and start" });

export type CreateWorkingHoursInput = z.output<typeof CreateWorkingHours>;
export type CreateBlackoutInput = z.output<typeof CreateBlackout>;
export type ListBlackoutsInput = z.output<typeof ListBlackoutsQuery>;
