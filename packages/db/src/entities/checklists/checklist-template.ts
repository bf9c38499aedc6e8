import { p, type InferEntity } from "@mikro-orm/core";
import { defineOrgEntity } from "../base/org-scoped.ts";
import { uuidPrimaryKey } from "../base/primary-key.ts";
import { ChecklistTemplateItem } from "./checklist-template-item.ts";

/** A checklist for a kind of job. */
export const ChecklistTemplate = defineOrgEntity({
  name: "ChecklistTemplate",
  tableName: "checklist_templates",
  properties: {
    id: uuidPrimaryKey(),
    name: p.text(),
    active: p.boolean().default(true),
    createdAt: p.datetime().defaultRaw("now()"),
    updatedAt: p
      .datetime()
      .defaultRaw("now()")
      .onUpdate(() => new Date()),
    items: () => p.oneToMany(ChecklistTemplateItem).mappedBy("template").orderBy({ position: "asc" }),
  },
  uniques: [{ properties: ["orgId", "id"] }, { properties: ["orgId", "name"] }],
  indexes: [{ properties: ["orgId", "createdAt"] }],
});

export type IChecklistTemplate = InferEntity<typeof ChecklistTemplate>;
