import { z } from "zod";
import { capabilitiesOf, CAPABILITIES, ROLES } from "../../authz/permissions.ts";
import type { Resource } from "../../kernel/resource.ts";
import { route } from "../../kernel/route.ts";

const tag = "capabilities";

const Capabilities = z
  .object({ role: z.enum(ROLES), capabilities: z.array(z.enum(CAPABILITIES as [string, ...string[]])) })
  .meta({ id: "Capabilities" });

/**
 * What the caller's live role may do in the current org, read from the permission matrix: clients (admin-web) hide
 * what the role may not do. Only a hint for the interface: every route still checks its own capability.
 */
export const capabilities: Resource = {
  name: tag,
  routes: [
    route({
      method: "get",
      path: "/me/capabilities",
      tag,
      summary: "Your capabilities in the current org (from the permission matrix), for hiding what you may not do",
      access: { capability: "session.read" },
      response: Capabilities,
      handle: (ctx) => Promise.resolve({ role: ctx.role, capabilities: capabilitiesOf(ctx.role) }),
    }),
  ],
};
