import { pageSchema, toPage } from "@cleanops/http";
import type { Resource } from "../../kernel/resource.ts";
import { route } from "../../kernel/route.ts";
import { idParams } from "../../kernel/schemas.ts";
import { findEmailEvent, listEmailEvents } from "./email-events.queries.ts";
import { EmailEvent, ListEmailEventsQuery } from "./email-events.schemas.ts";
import { emailEventView } from "./email-events.view.ts";

const tag = "email-events";

/** Read-only: the mailer writes these rows; the office reads whether a confirmation or an invoice got through. */
export const emailEvents: Resource = {
  name: tag,
  routes: [
    route({
      method: "get",
      path: "/email-events",
      tag,
      summary: "List outbound emails and their delivery state, newest first",
      access: { capability: "emails.read" },
      query: ListEmailEventsQuery,
      response: pageSchema(EmailEvent),
      handle: async (ctx, { query }) => toPage(await listEmailEvents(ctx.em, ctx.orgId, query), query.limit, emailEventView),
    }),
    route({
      method: "get",
      path: "/email-events/:id",
      tag,
      summary: "Get one email event",
      access: { capability: "emails.read" },
      params: idParams,
      response: EmailEvent,
      handle: async (ctx, { params }) => emailEventView(await findEmailEvent(ctx.em, params.id)),
    }),
  ],
};
