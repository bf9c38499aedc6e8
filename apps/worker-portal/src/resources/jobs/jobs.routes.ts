import type { Resource } from "../../kernel/resource.ts";
import { route } from "../../kernel/route.ts";
import { finishJob, getMyJob, listMyJobs, startJob, tickItem } from "./jobs.actions.ts";
import { ChecklistItemParams, Job, JobList, JobParams, TickBody } from "./jobs.schemas.ts";

const tag = "jobs";
const access = { capability: "jobs.work" } as const;

export const jobs: Resource = {
  name: tag,
  routes: [
    route({
      method: "get",
      path: "/jobs",
      tag,
      summary: "Your team's jobs of today (team time) and upcoming, soonest first; never cancelled ones",
      access,
      response: JobList,
      handle: (ctx) => listMyJobs(ctx),
    }),
    route({
      method: "get",
      path: "/jobs/:id",
      tag,
      summary: "One of your team's jobs: time, address, access notes, client name, add-ons, checklist, photos",
      access,
      params: JobParams,
      response: Job,
      handle: (ctx, { params }) => getMyJob(ctx, params.id),
    }),
    route({
      method: "post",
      path: "/jobs/:id/start",
      tag,
      summary: "Start a confirmed job (→ in_progress); its attached checklist becomes yours",
      access,
      params: JobParams,
      response: Job,
      errors: ["invalid_transition"],
      handle: (ctx, { params }) => startJob(ctx, params.id),
    }),
    route({
      method: "post",
      path: "/jobs/:id/checklist/:item_id",
      tag,
      summary: "Tick or untick a checklist item of a started job, with an optional note",
      access,
      params: ChecklistItemParams,
      body: TickBody,
      response: Job,
      errors: ["job_not_started"],
      handle: (ctx, { params, body }) => tickItem(ctx, params.id, params.item_id, body),
    }),
    route({
      method: "post",
      path: "/jobs/:id/finish",
      tag,
      summary: "Finish a started job (→ completed); refused while a required checklist item is unticked",
      access,
      params: JobParams,
      response: Job,
      errors: ["invalid_transition", "checklist_incomplete"],
      handle: (ctx, { params }) => finishJob(ctx, params.id),
    }),
  ],
};
