import { pageSchema, toPage } from "@cleanops/http";
import type { Resource } from "../../kernel/resource.ts";
import { route } from "../../kernel/route.ts";
import { idParams } from "../../kernel/schemas.ts";
import { assignTeam, changeStatus, createBooking, reschedule, teamSchedule, unassignTeam } from "./bookings.actions.ts";
import { listBookings, readBooking } from "./bookings.queries.ts";
import {
  AssignBooking,
  Booking,
  ChangeStatus,
  CreateBooking,
  ListBookingsQuery,
  RescheduleBooking,
  ScheduleQuery,
  TeamSchedule,
} from "./bookings.schemas.ts";
import { bookingView } from "./bookings.view.ts";

const tag = "bookings";

export const bookings: Resource = {
  name: tag,
  routes: [
    route({
      method: "post",
      path: "/bookings",
      tag,
      summary: "Book a job for a client, with add-ons (status requested)",
      access: { capability: "bookings.write" },
      body: CreateBooking,
      response: Booking,
      status: 201,
      errors: ["client_archived", "addon_unavailable"],
      handle: async (ctx, { body }) => bookingView(await createBooking(ctx, body)),
    }),
    route({
      method: "get",
      path: "/bookings",
      tag,
      summary: "List bookings, newest first; filter by status, team, client, unassigned and start time",
      access: { capability: "bookings.read" },
      query: ListBookingsQuery,
      response: pageSchema(Booking),
      handle: async (ctx, { query }) => toPage(await listBookings(ctx.em, ctx.orgId, query), query.limit, bookingView),
    }),
    route({
      method: "get",
      path: "/bookings/:id",
      tag,
      summary: "Get a booking with its add-ons",
      access: { capability: "bookings.read" },
      params: idParams,
      response: Booking,
      handle: async (ctx, { params }) => bookingView(await readBooking(ctx.em, ctx.orgId, params.id)),
    }),
    route({
      method: "post",
      path: "/bookings/:id/assign",
      tag,
      summary: "Dispatch a booking to a team (refused when the team is away, off duty or busy then)",
      access: { capability: "bookings.write" },
      params: idParams,
      body: AssignBooking,
      response: Booking,
      errors: ["booking_conflict", "invalid_transition", "team_inactive"],
      handle: async (ctx, { params, body }) => bookingView(await assignTeam(ctx, params.id, body.team_id)),
    }),
    route({
      method: "post",
      path: "/bookings/:id/unassign",
      tag,
      summary: "Take a booking back from its team",
      access: { capability: "bookings.write" },
      params: idParams,
      response: Booking,
      errors: ["invalid_transition"],
      handle: async (ctx, { params }) => bookingView(await unassignTeam(ctx, params.id)),
    }),
    route({
      method: "post",
      path: "/bookings/:id/status",
      tag,
      summary: "Move a booking along requested → confirmed → in_progress → completed, or cancel it before work starts",
      access: { capability: "bookings.write" },
      params: idParams,
      body: ChangeStatus,
      response: Booking,
      errors: ["invalid_transition"],
      handle: async (ctx, { params, body }) => bookingView(await changeStatus(ctx, params.id, body.status)),
    }),
    route({
      method: "post",
      path: "/bookings/:id/reschedule",
      tag,
      summary: "Move a booking to another time (re-checked against its team's schedule)",
      access: { capability: "bookings.write" },
      params: idParams,
      body: RescheduleBooking,
      response: Booking,
      errors: ["booking_conflict", "invalid_transition"],
      handle: async (ctx, { params, body }) => bookingView(await reschedule(ctx, params.id, body)),
    }),
    route({
      method: "get",
      path: "/teams/:id/schedule",
      tag,
      summary: "A team's jobs on one local day of its time zone",
      access: { capability: "bookings.read" },
      params: idParams,
      query: ScheduleQuery,
      response: TeamSchedule,
      handle: (ctx, { params, query }) => teamSchedule(ctx, params.id, query.date),
    }),
  ],
};
