import {
  addonRefusal,
  entities,
  nextOccurrence,
  occurrenceDate,
  runDueSubscriptions,
  type DueRunResult,
  type ISubscription,
} from "@cleanops/db";
import { notFound, validationFailed } from "@cleanops/http";
import type { AdminContext } from "../../kernel/context.ts";
import { findClient } from "../clients/clients.queries.ts";
import { subscriptionErrors } from "./subscriptions.errors.ts";
import { findSubscription } from "./subscriptions.queries.ts";
import { transitionRefusal, type SubscriptionStatus } from "./subscriptions.rules.ts";
import type { CreateSubscriptionInput } from "./subscriptions.schemas.ts";
import { subscriptionView } from "./subscriptions.view.ts";

const { AddonDefinition, Subscription, SubscriptionAddon } = entities;

/**
 * A recurring plan for a client. Its add-ons are checked as a booking checks them (active, in the plan's currency)
 * and priced only when each booking is made. The client must have an address: every booking of the plan goes there.
 */
export async function createSubscription(ctx: AdminContext, input: CreateSubscriptionInput): Promise<ISubscription> {
  return ctx.mutate(async (tx, audit) => {
    const client = await findClient(tx, input.client_id);
    if (client.archivedAt) throw subscriptionErrors.client_archived();
    if (!client.address) {
      throw validationFailed("Invalid client_id.", {
        details: { issues: [{ in: "body", path: ["client_id"], code: "required", message: "the client has no address on file" }] },
      });
    }
    const wanted = input.addons ?? [];
    const addons = wanted.length > 0 ? await tx.find(AddonDefinition, { id: { $in: wanted.map((a) => a.addon_id) } }) : [];
    const byId = new Map(addons.map((a) => [a.id, a]));
    for (const w of wanted) {
      const addon = byId.get(w.addon_id);
      if (!addon) throw notFound("No such add-on.", { details: { addon_id: w.addon_id } });
      const refusal = addonRefusal(addon, input.currency);
      if (refusal) throw subscriptionErrors.addon_unavailable(refusal, { details: { addon_id: addon.id } });
    }
    const plan = tx.create(Subscription, {
      client,
      frequency: input.frequency,
      nextBookingAt: input.next_booking_at,
      anchorDay: input.frequency === "monthly" ? input.next_booking_at.getUTCDate() : null,
      durationMinutes: input.duration_minutes,
      priceCents: input.price_cents,
      currency: input.currency,
      status: "active",
      createdAt: ctx.now,
      updatedAt: ctx.now,
    });
    for (const w of wanted) {
      const addon = byId.get(w.addon_id);
      if (addon) plan.addons.add(tx.create(SubscriptionAddon, { subscription: plan, addon, quantity: w.quantity }));
    }
    audit.created("subscription", plan.id, subscriptionView(plan));
    return plan;
  });
}

/**
 * Pause, resume or cancel. A resumed plan skips the occurrences it missed while paused: its next booking is the
 * first occurrence on or after today (UTC), so resuming never books a backlog in the past.
 */
export async function changeSubscriptionStatus(ctx: AdminContext, id: string, to: SubscriptionStatus): Promise<ISubscription> {
  return ctx.mutate(async (tx, audit) => {
    const plan = await findSubscription(tx, id, { lock: true });
    const refusal = transitionRefusal(plan.status, to);
    if (refusal) throw subscriptionErrors.invalid_transition(refusal, { details: { from: plan.status, to } });
    const before = subscriptionView(plan);
    plan.status = to;
    if (to === "active" && plan.nextBookingAt) {
      const today = occurrenceDate(ctx.now);
      const anchor = plan.anchorDay ?? plan.nextBookingAt.getUTCDate();
      let next = plan.nextBookingAt;
      while (occurrenceDate(next) < today) next = nextOccurrence(plan.frequency, next, anchor);
      plan.nextBookingAt = next;
    }
    plan.updatedAt = ctx.now;
    const action = { active: "subscription.resumed", paused: "subscription.paused", cancelled: "subscription.cancelled" }[to];
    audit.updated("subscription", plan.id, before, subscriptionView(plan), action);
    return plan;
  });
}

/** The current org's due-run (the CLI runs the same function for every org). */
export async function dueRun(ctx: AdminContext, date: string | undefined): Promise<DueRunResult> {
  return runDueSubscriptions(ctx, date ?? occurrenceDate(ctx.now));
}
