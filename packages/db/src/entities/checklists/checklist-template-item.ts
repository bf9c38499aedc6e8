import { p, type InferEntity } from "@mikro-orm/core";
import { defineOrgEntity, orgFk } from "../base/org-scoped.ts";
import { uuidPrimaryKey } from "../base/primary-key.ts";
import { ChecklistTemplate } from "./checklist-template.ts";

/** One item of a checklist template. */
export const ChecklistTemplateItem = defineOrgEntity({
  name: "ChecklistTemplateItem",
  tableName: "checklist_template_items",
  properties: {
    id: uuidPrimaryKey(),
    template: () =>
      p.manyToOne(ChecklistTemplate).ref().foreignKeyName(orgFk("checklist_template_items", "template_id")).deleteRule("cascade"),
    label: p.text(),
    position: p.integer().check("position >= 0"),
    required: p.boolean().default(true),
  },
  uniques: [{ properties: ["orgId", "id"] }, { properties: ["template", "position"] }],
  indexes: [{ properties: ["orgId"] }],
});

export type IChecklistTemplateItem = InferEntity<typeof ChecklistTemplateItem>;
