import { entities, type IChecklistRun } from "@cleanops/db";
import { notFound } from "@cleanops/http";
import type { EntityManager } from "@mikro-orm/postgresql";
import type { WorkerContext } from "../../kernel/context.ts";
import { jobErrors } from "./jobs.errors.ts";
import { findJob, findRun, listJobs } from "./jobs.queries.ts";
import type { JobSummaryView, JobView, TickInput } from "./jobs.schemas.ts";
import { jobSummaryView, jobView } from "./jobs.view.ts";

const { ChecklistRunItem } = entities;

export async function listMyJobs(ctx: WorkerContext): Promise<{ items: JobSummaryView[] }> {
  const jobs = await listJobs(ctx.em, ctx.orgId, ctx.worker, ctx.now);
  return { items: jobs.map(jobSummaryView) };
}

export async function getMyJob(ctx: WorkerContext, id: string): Promise<JobView> {
  return jobView(ctx.em, await findJob(ctx.em, ctx.worker, id, ctx.now));
}

/** Gives the run a row for every template item it lacks (admin-api attaches a run without them). */
function fillRunItems(tx: EntityManager, run: IChecklistRun): void {
  const have = new Set(run.items.getItems().map((i) => i.templateItem.id));
  for (const item of run.template.getEntity().items.getItems()) {
    if (!have.has(item.id)) run.items.add(tx.create(ChecklistRunItem, { run: run.id, templateItem: item.id, checked: false }));
  }
}

/**
 * confirmed → in_progress. The checklist run admin-api attached (worker still empty) becomes this worker's, with a
 * row per template item. A job without an attached run starts without a checklist: inventing one from some template
 * would be a guess about what the office wanted.
 */
export async function startJob(ctx: WorkerContext, id: string): Promise<JobView> {
  return ctx.mutate(async (tx, audit) => {
    const job = await findJob(tx, ctx.worker, id, ctx.now, { lock: true });
    if (job.status !== "confirmed") throw jobErrors.invalid_transition(`A ${job.status} job cannot be started.`);
    job.status = "in_progress";
    audit.updated("booking", job.id, { status: "confirmed" }, { status: "in_progress" }, "booking.started");
    const run = await findRun(tx, job.id);
    if (run) {
      const before = { worker_id: run.worker?.id ?? null };
      tx.assign(run, { worker: ctx.worker.workerId });
      fillRunItems(tx, run);
      audit.updated("checklist_run", run.id, before, { worker_id: ctx.worker.workerId }, "checklist_run.started");
    }
    await tx.flush();
    return jobView(tx, job);
  });
}

/** Ticks or unticks one item of the started job's checklist, with an optional note; `checked_at` follows `checked`. */
export async function tickItem(ctx: WorkerContext, id: string, itemId: string, input: TickInput): Promise<JobView> {
  return ctx.mutate(async (tx, audit) => {
    const job = await findJob(tx, ctx.worker, id, ctx.now, { lock: true });
    const run = await findRun(tx, job.id);
    const templateItem = run?.template
      .getEntity()
      .items.getItems()
      .find((i) => i.id === itemId);
    if (!run || !templateItem) throw notFound("No such checklist item on this job.");
    if (job.status !== "in_progress" || run.status !== "open") throw jobErrors.job_not_started();
    fillRunItems(tx, run);
    const item = run.items.getItems().find((i) => i.templateItem.id === itemId);
    if (!item) throw notFound("No such checklist item on this job.");
    const state = () => ({ checked: item.checked, note: item.note ?? null, checked_at: item.checkedAt?.toISOString() ?? null });
    const before = state();
    item.checked = input.checked;
    item.checkedAt = input.checked ? ctx.now : null;
    if (input.note !== undefined) item.note = input.note === null || input.note === "" ? null : input.note;
    audit.updated("checklist_run_item", item.id, before, state(), input.checked ? "checklist_item.checked" : "checklist_item.unchecked");
    await tx.flush();
    return jobView(tx, job);
  });
}

/** in_progress → completed, refused (409) while a required item is unticked; the run is completed with the job. */
export async function finishJob(ctx: WorkerContext, id: string): Promise<JobView> {
  return ctx.mutate(async (tx, audit) => {
    const job = await findJob(tx, ctx.worker, id, ctx.now, { lock: true });
    if (job.status !== "in_progress") throw jobErrors.invalid_transition(`A ${job.status} job cannot be finished.`);
    const run = await findRun(tx, job.id);
    if (run) {
      const checked = new Set(
        run.items
          .getItems()
          .filter((i) => i.checked)
          .map((i) => i.templateItem.id),
      );
      const missing = run.template
        .getEntity()
        .items.getItems()
        .filter((t) => t.required && !checked.has(t.id));
      if (missing.length > 0) {
        throw jobErrors.checklist_incomplete(undefined, { details: { unchecked_item_ids: missing.map((t) => t.id) } });
      }
      run.status = "completed";
      run.completedAt = ctx.now;
      audit.updated("checklist_run", run.id, { status: "open" }, { status: "completed" }, "checklist_run.completed");
    }
    job.status = "completed";
    audit.updated("booking", job.id, { status: "in_progress" }, { status: "completed" }, "booking.completed");
    await tx.flush();
    return jobView(tx, job);
  });
}
