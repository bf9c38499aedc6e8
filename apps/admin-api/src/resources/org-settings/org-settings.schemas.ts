import { z } from "zod";
import { text } from "../../kernel/schemas.ts";

export const OrgSettings = z
  .object({ org_id: z.string(), name: z.string(), slug: z.string(), payment_terms_days: z.number().int() })
  .meta({ id: "OrgSettings" });

export const PatchOrgSettingsBody = z
  .object({
    name: text(200).optional(),
    // The days between issuing an invoice and its due date (the column's CHECK allows 0..365).
    payment_terms_days: z.number().int().min(0).max(365).optional(),
  })
  .strict()
  .refine((b) => b.name !== undefined || b.payment_terms_days !== undefined, { error: "nothing to change" });
