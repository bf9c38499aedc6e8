import { AppError } from "@cleanops/http";

/** The unique key of worker emails within an org. */
export const WORKER_EMAIL_KEY = "workers_org_id_email_key";

export const workerEmailTaken = () =>
  new AppError("already_exists", "A worker with this email already exists in this organization.", { details: { field: "email" } });
