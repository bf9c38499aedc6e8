import { pageSchema, toPage } from "@cleanops/http";
import { idParams } from "../../kernel/schemas.ts";
import { route } from "../../kernel/route.ts";
import type { Resource } from "../../kernel/resource.ts";
import {
  createWorker,
  deactivateWorker,
  issueWorkerInvitation,
  moveWorker,
  reactivateWorker,
  updateWorker,
  type WorkerWithInvitation as Created,
} from "./workers.actions.ts";
import { findWorker, listWorkers } from "./workers.queries.ts";
import { CreateWorker, ListWorkersQuery, MoveWorker, UpdateWorker, Worker, WorkerWithInvitation } from "./workers.schemas.ts";
import { invitationView, workerView } from "./workers.view.ts";

const tag = "workers";

const withInvitation = (created: Created, now: Date) => ({
  ...workerView(created.worker, now),
  invitation: created.invitation && invitationView(created.invitation),
});

const INVITATION_NOTE =
  "The invitation token is answered this once (only its SHA-256 is stored) and is good for 7 days; worker-portal " +
  "serves the page where the worker opens it and chooses a password.";

export const workers: Resource = {
  name: tag,
  routes: [
    route({
      method: "post",
      path: "/workers",
      tag,
      summary: "Create a worker in a team, with a password or an invitation",
      description: `With \`password\` the worker can sign in to worker-portal at once; without it the answer carries \`invitation\`. ${INVITATION_NOTE}`,
      access: { capability: "workers.write" },
      body: CreateWorker,
      response: WorkerWithInvitation,
      status: 201,
      errors: ["already_exists"],
      handle: async (ctx, { body }) => withInvitation(await createWorker(ctx, body), ctx.now),
    }),
    route({
      method: "get",
      path: "/workers",
      tag,
      summary: "List workers, newest first; filter by team and by active",
      access: { capability: "workers.read" },
      query: ListWorkersQuery,
      response: pageSchema(Worker),
      handle: async (ctx, { query }) => toPage(await listWorkers(ctx.em, ctx.orgId, query), query.limit, (w) => workerView(w, ctx.now)),
    }),
    route({
      method: "get",
      path: "/workers/:id",
      tag,
      summary: "Get a worker",
      access: { capability: "workers.read" },
      params: idParams,
      response: Worker,
      handle: async (ctx, { params }) => workerView(await findWorker(ctx.em, params.id), ctx.now),
    }),
    route({
      method: "patch",
      path: "/workers/:id",
      tag,
      summary: "Change a worker's name, email or phone",
      access: { capability: "workers.write" },
      params: idParams,
      body: UpdateWorker,
      response: Worker,
      errors: ["already_exists"],
      handle: async (ctx, { params, body }) => workerView(await updateWorker(ctx, params.id, body), ctx.now),
    }),
    route({
      method: "post",
      path: "/workers/:id/move",
      tag,
      summary: "Move a worker to another team",
      access: { capability: "workers.write" },
      params: idParams,
      body: MoveWorker,
      response: Worker,
      handle: async (ctx, { params, body }) => workerView(await moveWorker(ctx, params.id, body.team_id), ctx.now),
    }),
    route({
      method: "post",
      path: "/workers/:id/deactivate",
      tag,
      summary: "Lock a worker out of worker-portal (and withdraw a pending invitation); idempotent",
      access: { capability: "workers.write" },
      params: idParams,
      response: Worker,
      handle: async (ctx, { params }) => workerView(await deactivateWorker(ctx, params.id), ctx.now),
    }),
    route({
      method: "post",
      path: "/workers/:id/reactivate",
      tag,
      summary: "Let a deactivated worker sign in again; idempotent",
      access: { capability: "workers.write" },
      params: idParams,
      response: Worker,
      handle: async (ctx, { params }) => workerView(await reactivateWorker(ctx, params.id), ctx.now),
    }),
    route({
      method: "post",
      path: "/workers/:id/invitation",
      tag,
      summary: "Issue a new invitation to choose a password (the previous one stops working)",
      description: `Also serves as a password reset: accepting it sets the worker's password. ${INVITATION_NOTE}`,
      access: { capability: "workers.write" },
      params: idParams,
      response: WorkerWithInvitation,
      status: 201,
      errors: ["conflict"],
      handle: async (ctx, { params }) => withInvitation(await issueWorkerInvitation(ctx, params.id), ctx.now),
    }),
  ],
};
