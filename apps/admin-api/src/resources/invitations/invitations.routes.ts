import type { Resource } from "../../kernel/resource.ts";
import { publicRoute, route } from "../../kernel/route.ts";
import { idParams } from "../../validation/common-schemas.ts";
import { Session } from "../auth/auth.schemas.ts";
import { sessionBody } from "../auth/session-tokens.ts";
import { acceptInvitation } from "./accept-invitation.ts";
import { invitationView } from "./invitation-view.ts";
import { invite, listPendingInvitations, withdrawInvitation } from "./invitations.actions.ts";
import { AcceptBody, Invited, InvitationList, InviteBody } from "./invitations.schemas.ts";

const tag = "members";

export const invitations: Resource = {
  name: "invitations",
  publicRoutes: [
    publicRoute({
      method: "post",
      path: "/invitations/accept",
      tag,
      summary: "Accept an invitation (signing in, or creating the account) and get a session in its org",
      access: { public: "the invitation token is the credential; the invitee may have no account yet" },
      body: AcceptBody,
      response: Session,
      errors: [
        "invitation_expired",
        "invitation_used",
        "invitation_email_mismatch",
        "org_suspended",
        "invalid_credentials",
        "rate_limited",
      ],
      handle: async (ctx, { body }) => {
        const result = await acceptInvitation(ctx.services, body, ctx.meta);
        return sessionBody(result.session, ctx.services, { user: result.user, org: result.org, role: result.role });
      },
    }),
  ],
  routes: [
    route({
      method: "get",
      path: "/invitations",
      tag,
      summary: "Pending invitations",
      access: { capability: "members.read" },
      response: InvitationList,
      handle: async (ctx) => ({ invitations: (await listPendingInvitations(ctx)).map(invitationView) }),
    }),
    route({
      method: "post",
      path: "/invitations",
      tag,
      summary: "Invite someone by email with a role no higher than yours (the link is mailed to them)",
      access: { capability: "members.invite" },
      body: InviteBody,
      response: Invited,
      status: 201,
      errors: ["conflict"],
      handle: async (ctx, { body }) => {
        const { invitation, token } = await invite(ctx, body.email, body.role);
        // With a mail server the link travels only by mail; the demo (no server) still shows it once here.
        return { invitation: invitationView(invitation), ...(ctx.services.mailDelivered ? {} : { token }) };
      },
    }),
    route({
      method: "delete",
      path: "/invitations/:id",
      tag,
      summary: "Withdraw a pending invitation",
      access: { capability: "members.invite" },
      params: idParams,
      status: 204,
      handle: (ctx, { params }) => withdrawInvitation(ctx, params.id),
    }),
  ],
};
