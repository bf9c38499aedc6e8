import type { Resource } from "../../kernel/resource.ts";
import { route } from "../../kernel/route.ts";
import { idParams } from "../../validation/common-schemas.ts";
import { liveMembershipOfOrg } from "./membership-rules.ts";
import { membershipView } from "./membership-view.ts";
import { changeRole, listMemberships, revokeMembership, transferOwnership } from "./memberships.actions.ts";
import { ChangeRoleBody, MembershipList, MembershipSchema, Transferred, TransferBody } from "./memberships.schemas.ts";

const tag = "members";

export const memberships: Resource = {
  name: tag,
  routes: [
    route({
      method: "get",
      path: "/memberships",
      tag,
      summary: "The organization's members",
      access: { capability: "members.read" },
      response: MembershipList,
      handle: async (ctx) => ({ memberships: (await listMemberships(ctx)).map(membershipView) }),
    }),
    route({
      method: "get",
      path: "/memberships/:id",
      tag,
      summary: "A member",
      access: { capability: "members.read" },
      params: idParams,
      response: MembershipSchema,
      handle: async (ctx, { params }) => membershipView(await liveMembershipOfOrg(ctx.em, ctx.orgId, params.id)),
    }),
    route({
      method: "patch",
      path: "/memberships/:id",
      tag,
      summary: "Change a member's role",
      access: { capability: "members.manage" },
      params: idParams,
      body: ChangeRoleBody,
      response: MembershipSchema,
      errors: ["last_owner"],
      handle: async (ctx, { params, body }) => membershipView(await changeRole(ctx, params.id, body.role)),
    }),
    route({
      method: "delete",
      path: "/memberships/:id",
      tag,
      summary: "Remove a member (their sessions end)",
      access: { capability: "members.manage" },
      params: idParams,
      status: 204,
      errors: ["last_owner"],
      handle: (ctx, { params }) => revokeMembership(ctx, params.id),
    }),
    route({
      method: "post",
      path: "/org/transfer-ownership",
      tag,
      summary: "Hand ownership to another member (you become admin)",
      access: { capability: "ownership.transfer" },
      body: TransferBody,
      response: Transferred,
      errors: ["conflict"],
      handle: async (ctx, { body }) => {
        const { target, me } = await transferOwnership(ctx, body.membership_id);
        return { owner: membershipView(target), previous_owner: membershipView(me) };
      },
    }),
  ],
};
