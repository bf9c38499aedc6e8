import type { Resource } from "../kernel/resource.ts";
import { addons } from "./addons/addons.routes.ts";
import { auditLogs } from "./audit-logs/audit-logs.routes.ts";
import { auth } from "./auth/auth.routes.ts";
import { browserSession } from "./browser-session/browser-session.routes.ts";
import { capabilities } from "./capabilities/capabilities.routes.ts";
import { bookings } from "./bookings/bookings.routes.ts";
import { checklists } from "./checklists/checklists.routes.ts";
import { clients } from "./clients/clients.routes.ts";
import { devMails } from "./dev-mails/dev-mails.routes.ts";
import { disputes } from "./disputes/disputes.routes.ts";
import { emailEvents } from "./email-events/email-events.routes.ts";
import { invitations } from "./invitations/invitations.routes.ts";
import { invoices } from "./invoices/invoices.routes.ts";
import { documents } from "./documents/documents.routes.ts";
import { leads } from "./leads/leads.routes.ts";
import { memberships } from "./memberships/memberships.routes.ts";
import { orgs } from "./orgs/orgs.routes.ts";
import { orgSettings } from "./org-settings/org-settings.routes.ts";
import { subscriptions } from "./subscriptions/subscriptions.routes.ts";
import { photos } from "./photos/photos.routes.ts";
import { teamSchedules } from "./team-schedules/team-schedules.routes.ts";
import { teams } from "./teams/teams.routes.ts";
import { workers } from "./workers/workers.routes.ts";

/** Every resource of admin-api: routing, validation, access and the OpenAPI document all come from these. */
export const RESOURCES: readonly Resource[] = [
  auth,
  orgs,
  memberships,
  invitations,
  clients,
  teams,
  teamSchedules,
  workers,
  bookings,
  invoices,
  disputes,
  addons,
  checklists,
  auditLogs,
  emailEvents,
  photos,
  subscriptions,
  leads,
  documents,
  browserSession,
  capabilities,
  orgSettings,
  devMails,
];
