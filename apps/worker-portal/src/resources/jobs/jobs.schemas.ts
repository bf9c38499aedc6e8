import { z } from "zod";

const uuid = () =>
  z
    .guid()
    .transform((s) => s.toLowerCase())
    .meta({ format: "uuid" });
const isoTime = () => z.string().meta({ format: "date-time" });

export const JobParams = z.object({ id: uuid() });
export const ChecklistItemParams = z.object({ id: uuid(), item_id: uuid() });

// Tab, line feed and carriage return are text; every other C0 control and DEL is not.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export const TickBody = z.object({
  checked: z.boolean(),
  /** Absent: keep the note; null or empty: clear it. */
  note: z
    .string()
    .trim()
    .max(1000)
    .refine((s) => !CONTROL.test(s), { error: "control characters are not allowed" })
    .nullable()
    .optional(),
});
export type TickInput = z.output<typeof TickBody>;

export const JobSummary = z
  .object({
    id: z.string(),
    status: z.enum(["requested", "confirmed", "in_progress", "completed", "cancelled"]),
    starts_at: isoTime(),
    ends_at: isoTime(),
    duration_minutes: z.number().int(),
    address: z.string(),
    client_name: z.string(),
  })
  .meta({ id: "JobSummary" });

export const JobList = z.object({ items: z.array(JobSummary) });

export const ChecklistItem = z.object({
  id: z.string().meta({ description: "The template item's id: the `item_id` to tick" }),
  label: z.string(),
  position: z.number().int(),
  required: z.boolean(),
  checked: z.boolean(),
  note: z.string().nullable(),
  checked_at: isoTime().nullable(),
});

export const Job = JobSummary.extend({
  access_notes: z.string().nullable(),
  addons: z.array(z.object({ name: z.string(), quantity: z.number().int() })),
  prices_visible: z.literal(false).meta({ description: "Workers never see prices until the organization can allow it" }),
  checklist: z
    .object({
      run_id: z.string(),
      name: z.string(),
      status: z.enum(["open", "completed"]),
      items: z.array(ChecklistItem),
    })
    .nullable(),
  photos: z.array(
    z.object({ id: z.string(), content_type: z.string(), byte_size: z.number().int(), sha256: z.string(), created_at: isoTime() }),
  ),
}).meta({ id: "Job" });

export type JobView = z.input<typeof Job>;
export type JobSummaryView = z.input<typeof JobSummary>;
