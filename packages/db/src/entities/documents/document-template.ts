import { p, type InferEntity } from "@mikro-orm/core";
import { defineOrgEntity } from "../base/org-scoped.ts";
import { uuidPrimaryKey } from "../base/primary-key.ts";

/** A contract, quote or service agreement template with placeholders; versioned by name. */
export const DocumentTemplate = defineOrgEntity({
  name: "DocumentTemplate",
  tableName: "document_templates",
  properties: {
    id: uuidPrimaryKey(),
    name: p.text(),
    kind: p.enum(["contract", "quote", "service_agreement", "other"]),
    body: p.text(),
    version: p.integer().default(1).check("version > 0"),
    createdAt: p.datetime().defaultRaw("now()"),
  },
  uniques: [{ properties: ["orgId", "id"] }, { properties: ["orgId", "name", "version"] }],
  indexes: [{ properties: ["orgId", "createdAt"] }],
});

export type IDocumentTemplate = InferEntity<typeof DocumentTemplate>;
