import { z } from "zod";
import type { Resource } from "../../kernel/resource.ts";
import { route } from "../../kernel/route.ts";
import { idParams } from "../../kernel/schemas.ts";
import { findDispute, listAdjustments, listDisputes, openDispute, recordAdjustment, resolveDispute } from "./disputes.actions.ts";
import {
  Adjustment,
  AdjustmentRecorded,
  Dispute,
  DisputeResolution,
  OpenDispute,
  RecordAdjustment,
  ResolveDispute,
} from "./disputes.schemas.ts";
import { disputeView } from "./disputes.view.ts";

const tag = "disputes";

export const disputes: Resource = {
  name: tag,
  routes: [
    route({
      method: "post",
      path: "/invoices/:id/disputes",
      tag,
      summary: "Open a dispute on an invoice or one of its payments",
      access: { capability: "disputes.write" },
      params: idParams,
      body: OpenDispute,
      response: Dispute,
      status: 201,
      errors: ["invoice_not_issued", "dispute_amount_too_large"],
      handle: (ctx, { params, body }) => openDispute(ctx, params.id, body),
    }),
    route({
      method: "get",
      path: "/invoices/:id/disputes",
      tag,
      summary: "The disputes of an invoice, newest first",
      access: { capability: "disputes.read" },
      params: idParams,
      response: z.object({ items: z.array(Dispute) }),
      handle: (ctx, { params }) => listDisputes(ctx, params.id),
    }),
    route({
      method: "get",
      path: "/disputes/:id",
      tag,
      summary: "Get a dispute",
      access: { capability: "disputes.read" },
      params: idParams,
      response: Dispute,
      handle: async (ctx, { params }) => disputeView(await findDispute(ctx.em, params.id)),
    }),
    route({
      method: "post",
      path: "/disputes/:id/resolve",
      tag,
      summary: "Resolve an open dispute (won, lost, refunded); the outcome's ledger rows are appended",
      access: { capability: "disputes.write" },
      params: idParams,
      body: ResolveDispute,
      response: DisputeResolution,
      errors: ["dispute_not_open", "adjustment_exceeds_limit"],
      handle: (ctx, { params, body }) => resolveDispute(ctx, params.id, body.outcome),
    }),
    route({
      method: "post",
      path: "/invoices/:id/adjustments",
      tag,
      summary: "Append a refund, credit, write-off or chargeback to the invoice's ledger",
      access: { capability: "adjustments.write" },
      params: idParams,
      body: RecordAdjustment,
      response: AdjustmentRecorded,
      status: 201,
      errors: ["invoice_not_issued", "adjustment_exceeds_limit"],
      handle: (ctx, { params, body }) => recordAdjustment(ctx, params.id, body),
    }),
    route({
      method: "get",
      path: "/invoices/:id/adjustments",
      tag,
      summary: "The ledger of an invoice, oldest first",
      access: { capability: "adjustments.read" },
      params: idParams,
      response: z.object({ items: z.array(Adjustment) }),
      handle: (ctx, { params }) => listAdjustments(ctx, params.id),
    }),
  ],
};
