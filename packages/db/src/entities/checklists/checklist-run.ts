import { p, type InferEntity } from "@mikro-orm/core";
import { defineOrgEntity, orgFk } from "../base/org-scoped.ts";
import { uuidPrimaryKey } from "../base/primary-key.ts";
import { Booking } from "../bookings/booking.ts";
import { Worker } from "../workers/worker.ts";
import { ChecklistRunItem } from "./checklist-run-item.ts";
import { ChecklistTemplate } from "./checklist-template.ts";

/** A checklist being filled in for a booking. */
export const ChecklistRun = defineOrgEntity({
  name: "ChecklistRun",
  tableName: "checklist_runs",
  properties: {
    id: uuidPrimaryKey(),
    template: () => p.manyToOne(ChecklistTemplate).ref().foreignKeyName(orgFk("checklist_runs", "template_id")).deleteRule("restrict"),
    booking: () => p.manyToOne(Booking).ref().foreignKeyName(orgFk("checklist_runs", "booking_id")).deleteRule("cascade"),
    worker: () => p.manyToOne(Worker).ref().nullable().foreignKeyName(orgFk("checklist_runs", "worker_id")).deleteRule("set null"),
    status: p.enum(["open", "completed"]).default("open"),
    completedAt: p.datetime().nullable(),
    createdAt: p.datetime().defaultRaw("now()"),
    updatedAt: p
      .datetime()
      .defaultRaw("now()")
      .onUpdate(() => new Date()),
    items: () => p.oneToMany(ChecklistRunItem).mappedBy("run"),
  },
  uniques: [{ properties: ["orgId", "id"] }],
  indexes: [{ properties: ["booking"] }, { properties: ["orgId", "status"] }, { properties: ["orgId", "createdAt"] }],
});

export type IChecklistRun = InferEntity<typeof ChecklistRun>;
