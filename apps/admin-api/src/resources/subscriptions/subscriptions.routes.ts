import { pageSchema, toPage } from "@cleanops/http";
import type { Resource } from "../../kernel/resource.ts";
import { route } from "../../kernel/route.ts";
import { idParams } from "../../kernel/schemas.ts";
import { changeSubscriptionStatus, createSubscription, dueRun } from "./subscriptions.actions.ts";
import { findSubscription, listSubscriptions } from "./subscriptions.queries.ts";
import { CreateSubscription, DueRunBody, DueRunResult, ListSubscriptionsQuery, Subscription } from "./subscriptions.schemas.ts";
import { subscriptionView } from "./subscriptions.view.ts";

const tag = "subscriptions";

const move = (verb: "pause" | "resume" | "cancel", to: "paused" | "active" | "cancelled", summary: string) =>
  route({
    method: "post",
    path: `/subscriptions/:id/${verb}`,
    tag,
    summary,
    access: { capability: "subscriptions.write" },
    params: idParams,
    response: Subscription,
    errors: ["invalid_transition"],
    handle: async (ctx, { params }) => subscriptionView(await changeSubscriptionStatus(ctx, params.id, to)),
  });

export const subscriptions: Resource = {
  name: tag,
  routes: [
    route({
      method: "post",
      path: "/subscriptions",
      tag,
      summary: "Start a client's recurring plan (weekly, biweekly or monthly), with add-ons",
      access: { capability: "subscriptions.write" },
      body: CreateSubscription,
      response: Subscription,
      status: 201,
      errors: ["client_archived", "addon_unavailable"],
      handle: async (ctx, { body }) => subscriptionView(await createSubscription(ctx, body)),
    }),
    route({
      method: "get",
      path: "/subscriptions",
      tag,
      summary: "List plans, newest first; filter by status and client",
      access: { capability: "subscriptions.read" },
      query: ListSubscriptionsQuery,
      response: pageSchema(Subscription),
      handle: async (ctx, { query }) => toPage(await listSubscriptions(ctx.em, ctx.orgId, query), query.limit, subscriptionView),
    }),
    route({
      method: "get",
      path: "/subscriptions/:id",
      tag,
      summary: "Get a plan with its add-ons",
      access: { capability: "subscriptions.read" },
      params: idParams,
      response: Subscription,
      handle: async (ctx, { params }) => subscriptionView(await findSubscription(ctx.em, params.id)),
    }),
    move("pause", "paused", "Pause a plan (its due-run books nothing until resumed)"),
    move("resume", "active", "Resume a paused plan from its first occurrence on or after today"),
    move("cancel", "cancelled", "Cancel a plan for good (its bookings stay)"),
    route({
      method: "post",
      path: "/subscriptions/due-run",
      tag,
      summary: "Book this org's occurrences due on or before a date, once per plan and date however often it runs",
      access: { capability: "subscriptions.write" },
      body: DueRunBody,
      response: DueRunResult,
      handle: (ctx, { body }) => dueRun(ctx, body.date),
    }),
  ],
};
