import { entities, type IBooking, type IChecklistRun } from "@cleanops/db";
import type { EntityManager } from "@mikro-orm/postgresql";
import type { JobSummaryView, JobView } from "./jobs.schemas.ts";
import { findRun, type JobSummaryRecord } from "./jobs.queries.ts";

const { OrderPhoto } = entities;

export function jobSummaryView(job: JobSummaryRecord): JobSummaryView {
  return {
    id: job.id,
    status: job.status,
    starts_at: job.startsAt.toISOString(),
    ends_at: new Date(job.startsAt.getTime() + job.durationMinutes * 60_000).toISOString(),
    duration_minutes: job.durationMinutes,
    address: job.address,
    client_name: job.clientName,
  };
}

/** The template's items with this run's state; an item the run has no row for yet is unticked. */
function checklistView(run: IChecklistRun): JobView["checklist"] {
  const state = new Map(run.items.getItems().map((i) => [i.templateItem.id, i]));
  const template = run.template.getEntity();
  return {
    run_id: run.id,
    name: template.name,
    status: run.status,
    items: template.items
      .getItems()
      .sort((a, b) => a.position - b.position)
      .map((t) => {
        const s = state.get(t.id);
        return {
          id: t.id,
          label: t.label,
          position: t.position,
          required: t.required,
          checked: s?.checked ?? false,
          note: s?.note ?? null,
          checked_at: s?.checkedAt ? s.checkedAt.toISOString() : null,
        };
      }),
  };
}

/** A loaded job (client and add-ons populated) as a worker sees it: no prices, no client contact beyond the name. */
export async function jobView(em: EntityManager, job: IBooking): Promise<JobView> {
  const run = await findRun(em, job.id);
  const photos = await em.find(OrderPhoto, { booking: job.id }, { orderBy: { createdAt: "asc", id: "asc" } });
  return {
    ...jobSummaryView({
      id: job.id,
      status: job.status,
      startsAt: job.startsAt,
      durationMinutes: job.durationMinutes,
      address: job.address,
      clientName: job.client.getEntity().name,
    }),
    access_notes: job.notes ?? null,
    addons: job.addons.getItems().map((a) => ({ name: a.addon.getEntity().name, quantity: a.quantity })),
    prices_visible: false,
    checklist: run ? checklistView(run) : null,
    photos: photos.map((p) => ({
      id: p.id,
      content_type: p.contentType,
      byte_size: p.byteSize,
      sha256: p.sha256,
      created_at: p.createdAt.toISOString(),
    })),
  };
}
