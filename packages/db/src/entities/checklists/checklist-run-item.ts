import { p, type InferEntity } from "@mikro-orm/core";
import { defineOrgEntity, orgFk } from "../base/org-scoped.ts";
import { uuidPrimaryKey } from "../base/primary-key.ts";
import { ChecklistRun } from "./checklist-run.ts";
import { ChecklistTemplateItem } from "./checklist-template-item.ts";

/** The state of one template item within a run. */
export const ChecklistRunItem = defineOrgEntity({
  name: "ChecklistRunItem",
  tableName: "checklist_run_items",
  properties: {
    id: uuidPrimaryKey(),
    run: () => p.manyToOne(ChecklistRun).ref().foreignKeyName(orgFk("checklist_run_items", "run_id")).deleteRule("cascade"),
    templateItem: () =>
      p.manyToOne(ChecklistTemplateItem).ref().foreignKeyName(orgFk("checklist_run_items", "template_item_id")).deleteRule("restrict"),
    checked: p.boolean().default(false),
    note: p.text().nullable(),
    checkedAt: p.datetime().nullable(),
  },
  uniques: [{ properties: ["run", "templateItem"] }],
  indexes: [{ properties: ["orgId"] }],
});

export type IChecklistRunItem = InferEntity<typeof ChecklistRunItem>;
