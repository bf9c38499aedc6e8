import { MAX_PASSWORD_LENGTH, newPasswordSchema, SLUG_PATTERN } from "@cleanops/db";
import { z } from "zod";

export const orgSlug = () =>
  z.string().trim().toLowerCase().regex(SLUG_PATTERN, { error: "an organization slug" }).meta({ example: "bright-homes" });
export const email = () => z.string().trim().toLowerCase().max(320).pipe(z.email()).meta({ format: "email" });

export const LoginBody = z.object({ org: orgSlug(), email: email(), password: z.string().min(1).max(MAX_PASSWORD_LENGTH) });
export type LoginInput = z.output<typeof LoginBody>;

export const InviteBody = z.object({
  org: orgSlug(),
  token: z.string().min(16).max(512),
  // The one new-password rule of @cleanops/db, as admin-api sign-up and the CLI hold staff to.
  password: newPasswordSchema,
});
export type InviteInput = z.output<typeof InviteBody>;

export const WorkerSession = z
  .object({
    access_token: z.string(),
    token_type: z.literal("Bearer"),
    expires_in: z.number().int(),
    expires_at: z.string().meta({ format: "date-time" }),
    worker: z.object({ id: z.string(), name: z.string(), email: z.string() }),
    org: z.object({ id: z.string(), name: z.string() }),
  })
  .meta({ id: "WorkerSession" });
export type WorkerSessionView = z.input<typeof WorkerSession>;
