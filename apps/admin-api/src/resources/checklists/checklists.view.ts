import type { IChecklistRun, IChecklistRunItem, IChecklistTemplate, IChecklistTemplateItem } from "@cleanops/db";

export type TemplateItemView = ReturnType<typeof templateItemView>;

export function templateItemView(i: IChecklistTemplateItem) {
  return { id: i.id, label: i.label, required: i.required, position: i.position };
}

/** The template with its items in position order (sorted here, so a view taken mid-change is ordered too). */
export function templateView(t: IChecklistTemplate, items: readonly IChecklistTemplateItem[]) {
  return {
    id: t.id,
    name: t.name,
    active: t.active,
    items: [...items].sort((a, b) => a.position - b.position).map(templateItemView),
    created_at: t.createdAt.toISOString(),
    updated_at: t.updatedAt.toISOString(),
  };
}

export type TemplateView = ReturnType<typeof templateView>;

/** A run item with the label, required flag and position of its template item (looked up by id). */
export function runView(
  run: IChecklistRun,
  items: readonly IChecklistRunItem[],
  templateItems: ReadonlyMap<string, IChecklistTemplateItem>,
) {
  const rows = items.map((ri) => {
    const ti = templateItems.get(ri.templateItem.id);
    return {
      id: ri.id,
      template_item_id: ri.templateItem.id,
      label: ti?.label ?? "",
      required: ti?.required ?? false,
      position: ti?.position ?? 0,
      checked: ri.checked,
      note: ri.note ?? null,
      checked_at: ri.checkedAt ? ri.checkedAt.toISOString() : null,
    };
  });
  return {
    id: run.id,
    booking_id: run.booking.id,
    template_id: run.template.id,
    worker_id: run.worker?.id ?? null,
    status: run.status,
    completed_at: run.completedAt ? run.completedAt.toISOString() : null,
    items: rows.sort((a, b) => a.position - b.position),
    created_at: run.createdAt.toISOString(),
    updated_at: run.updatedAt.toISOString(),
  };
}

export type RunView = ReturnType<typeof runView>;
