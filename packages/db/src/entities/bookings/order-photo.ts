import { p, type InferEntity } from "@mikro-orm/core";
import { defineOrgEntity, orgFk } from "../base/org-scoped.ts";
import { uuidPrimaryKey } from "../base/primary-key.ts";
import { Worker } from "../workers/worker.ts";
import { Booking } from "./booking.ts";

/** A before/after photo of a booking; the bytes live in object storage under `storageKey`. */
export const OrderPhoto = defineOrgEntity({
  name: "OrderPhoto",
  tableName: "order_photos",
  properties: {
    id: uuidPrimaryKey(),
    booking: () => p.manyToOne(Booking).ref().foreignKeyName(orgFk("order_photos", "booking_id")).deleteRule("cascade"),
    worker: () => p.manyToOne(Worker).ref().nullable().foreignKeyName(orgFk("order_photos", "worker_id")).deleteRule("set null"),
    kind: p.enum(["before", "after"]).default("after"),
    storageKey: p.text(),
    contentType: p.enum(["image/jpeg", "image/png", "image/webp", "image/heic"]),
    byteSize: p.integer().check("byte_size > 0"),
    sha256: p.text().check("sha256 ~ '^[0-9a-f]{64}$'"),
    createdAt: p.datetime().defaultRaw("now()"),
  },
  indexes: [{ properties: ["booking"] }, { properties: ["orgId", "createdAt"] }],
});

export type IOrderPhoto = InferEntity<typeof OrderPhoto>;
