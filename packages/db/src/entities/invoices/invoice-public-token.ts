import { p, type InferEntity } from "@mikro-orm/core";
import { defineOrgEntity, orgFk } from "../base/org-scoped.ts";
import { uuidPrimaryKey } from "../base/primary-key.ts";
import { Invoice } from "./invoice.ts";

/**
 * A link a client opens to view and pay an invoice. Only the SHA-256 of the token is stored, unique install-wide:
 * public-invoices finds the invoice (and so the org) from the hash alone.
 */
export const InvoicePublicToken = defineOrgEntity({
  name: "InvoicePublicToken",
  tableName: "invoice_public_tokens",
  properties: {
    id: uuidPrimaryKey(),
    invoice: () => p.manyToOne(Invoice).ref().foreignKeyName(orgFk("invoice_public_tokens", "invoice_id")).deleteRule("cascade"),
    tokenHash: p.text().unique().check("token_hash ~ '^[0-9a-f]{64}$'"),
    expiresAt: p.datetime(),
    revokedAt: p.datetime().nullable(),
    lastViewedAt: p.datetime().nullable(),
    viewCount: p.integer().default(0).check("view_count >= 0"),
    createdAt: p.datetime().defaultRaw("now()"),
  },
  indexes: [{ properties: ["invoice"] }, { properties: ["orgId", "createdAt"] }],
});

export type IInvoicePublicToken = InferEntity<typeof InvoicePublicToken>;
