import { MIN_PASSWORD_LENGTH } from "@cleanops/auth";
import { pageQuery } from "@cleanops/http";
import { z } from "zod";
import { email, id, isoTime, phone, queryBoolean, text } from "../../kernel/schemas.ts";

/** A password being set: argon2 is not fed megabytes. */
const newPassword = () => z.string().min(MIN_PASSWORD_LENGTH).max(1024);

export const CreateWorker = z
  .object({
    name: text(200),
    email: email(),
    team_id: id(),
    phone: phone().optional(),
    password: newPassword()
      .optional()
      .meta({ description: `At least ${MIN_PASSWORD_LENGTH} characters; without one the answer carries an invitation` }),
  })
  .strict();

export const UpdateWorker = z
  .object({
    name: text(200),
    email: email(),
    phone: phone().nullable(),
  })
  .partial()
  .strict();

export const MoveWorker = z.object({ team_id: id() }).strict();

export const ListWorkersQuery = pageQuery.extend({
  team_id: id().optional(),
  active: queryBoolean().meta({ description: "Only active (true) or deactivated (false) workers; both when absent" }),
});

export const Worker = z
  .object({
    id: id(),
    name: z.string(),
    email: z.string(),
    phone: z.string().nullable(),
    team_id: id().nullable(),
    active: z.boolean(),
    has_password: z.boolean(),
    invitation_pending: z.boolean(),
    invitation_expires_at: isoTime().nullable(),
    created_at: isoTime(),
    updated_at: isoTime(),
  })
  .meta({ id: "Worker" });

export const WorkerInvitation = z
  .object({
    token: z.string().meta({ description: "Shown this once; only its SHA-256 is stored" }),
    expires_at: isoTime(),
  })
  .meta({ id: "WorkerInvitation" });

export const WorkerWithInvitation = Worker.extend({
  invitation: WorkerInvitation.nullable().meta({ description: "Null when the worker was created with a password" }),
}).meta({ id: "WorkerWithInvitation" });

export type CreateWorkerInput = z.output<typeof CreateWorker>;
export type UpdateWorkerInput = z.output<typeof UpdateWorker>;
export type ListWorkersInput = z.output<typeof ListWorkersQuery>;
