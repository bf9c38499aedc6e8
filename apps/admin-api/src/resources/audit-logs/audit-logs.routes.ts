import { pageSchema, toPage } from "@cleanops/http";
import type { Resource } from "../../kernel/resource.ts";
import { route } from "../../kernel/route.ts";
import { idParams } from "../../kernel/schemas.ts";
import { findAuditLog, listAuditLogs } from "./audit-logs.queries.ts";
import { AuditLogEntry, ListAuditLogsQuery } from "./audit-logs.schemas.ts";
import { auditLogView } from "./audit-logs.view.ts";

const tag = "audit-logs";

/** Read-only: the log is append-only (the database refuses UPDATE and DELETE), and mutations write it themselves. */
export const auditLogs: Resource = {
  name: tag,
  routes: [
    route({
      method: "get",
      path: "/audit-logs",
      tag,
      summary: "List the org's audit log, newest first",
      access: { capability: "audit.read" },
      query: ListAuditLogsQuery,
      response: pageSchema(AuditLogEntry),
      handle: async (ctx, { query }) => toPage(await listAuditLogs(ctx.em, ctx.orgId, query), query.limit, auditLogView),
    }),
    route({
      method: "get",
      path: "/audit-logs/:id",
      tag,
      summary: "Get one audit log entry",
      access: { capability: "audit.read" },
      params: idParams,
      response: AuditLogEntry,
      handle: async (ctx, { params }) => auditLogView(await findAuditLog(ctx.em, params.id)),
    }),
  ],
};
