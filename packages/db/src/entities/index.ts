import { AddonDefinition } from "./addons/addon-definition.ts";
import { OrderAddon } from "./addons/order-addon.ts";
import { AdminAuditLog } from "./audit/admin-audit-log.ts";
import { Booking } from "./bookings/booking.ts";
import { EmailEvent } from "./bookings/email-event.ts";
import { OrderPhoto } from "./bookings/order-photo.ts";
import { TeamBlackout } from "./bookings/team-blackout.ts";
import { TeamWorkingHours } from "./bookings/team-working-hours.ts";
import { Team } from "./bookings/team.ts";
import { ChecklistRunItem } from "./checklists/checklist-run-item.ts";
import { ChecklistRun } from "./checklists/checklist-run.ts";
import { ChecklistTemplateItem } from "./checklists/checklist-template-item.ts";
import { ChecklistTemplate } from "./checklists/checklist-template.ts";
import { ClientUser } from "./clients/client-user.ts";
import { Dispute } from "./disputes/dispute.ts";
import { FinancialAdjustmentEvent } from "./disputes/financial-adjustment-event.ts";
import { DocumentTemplate } from "./documents/document-template.ts";
import { Document } from "./documents/document.ts";
import { InvoiceItem } from "./invoices/invoice-item.ts";
import { InvoiceNumberSequence } from "./invoices/invoice-number-sequence.ts";
import { InvoicePayment } from "./invoices/invoice-payment.ts";
import { InvoicePublicToken } from "./invoices/invoice-public-token.ts";
import { Invoice } from "./invoices/invoice.ts";
import { StripeEvent } from "./invoices/stripe-event.ts";
import { ChatSession } from "./leads/chat-session.ts";
import { Lead } from "./leads/lead.ts";
import { ReferralCredit } from "./leads/referral-credit.ts";
import { Invitation } from "./platform/invitation.ts";
import { AccountToken } from "./platform/account-token.ts";
import { LoginAttempt } from "./platform/login-attempt.ts";
import { MailOutbox } from "./platform/mail-outbox.ts";
import { Membership } from "./platform/membership.ts";
import { OrganizationBilling } from "./platform/organization-billing.ts";
import { OrganizationUsageEvent } from "./platform/organization-usage-event.ts";
import { Organization } from "./platform/organization.ts";
import { RefreshToken } from "./platform/refresh-token.ts";
import { User } from "./platform/user.ts";
import { SubscriptionAddon } from "./subscriptions/subscription-addon.ts";
import { Subscription } from "./subscriptions/subscription.ts";
import { Worker } from "./workers/worker.ts";

export { appendOnlyTrigger } from "./base/append-only.ts";
export { TENANT_POLICIES, defineOrgEntity, orgFk } from "./base/org-scoped.ts";
export { AddonDefinition, type IAddonDefinition } from "./addons/addon-definition.ts";
export { OrderAddon, type IOrderAddon } from "./addons/order-addon.ts";
export { AdminAuditLog, type IAdminAuditLog } from "./audit/admin-audit-log.ts";
export { BOOKING_STATUSES, Booking, type IBooking } from "./bookings/booking.ts";
export { EmailEvent, type IEmailEvent } from "./bookings/email-event.ts";
export { OrderPhoto, type IOrderPhoto } from "./bookings/order-photo.ts";
export { TeamBlackout, type ITeamBlackout } from "./bookings/team-blackout.ts";
export { TeamWorkingHours, type ITeamWorkingHours } from "./bookings/team-working-hours.ts";
export { Team, type ITeam } from "./bookings/team.ts";
export { ChecklistRunItem, type IChecklistRunItem } from "./checklists/checklist-run-item.ts";
export { ChecklistRun, type IChecklistRun } from "./checklists/checklist-run.ts";
export { ChecklistTemplateItem, type IChecklistTemplateItem } from "./checklists/checklist-template-item.ts";
export { ChecklistTemplate, type IChecklistTemplate } from "./checklists/checklist-template.ts";
export { ClientUser, type IClientUser } from "./clients/client-user.ts";
export { Dispute, type IDispute } from "./disputes/dispute.ts";
export { FinancialAdjustmentEvent, type IFinancialAdjustmentEvent } from "./disputes/financial-adjustment-event.ts";
export { DocumentTemplate, type IDocumentTemplate } from "./documents/document-template.ts";
export { Document, type IDocument } from "./documents/document.ts";
export { InvoiceItem, type IInvoiceItem } from "./invoices/invoice-item.ts";
export { InvoiceNumberSequence, type IInvoiceNumberSequence } from "./invoices/invoice-number-sequence.ts";
export { InvoicePayment, type IInvoicePayment } from "./invoices/invoice-payment.ts";
export { InvoicePublicToken, type IInvoicePublicToken } from "./invoices/invoice-public-token.ts";
export { INVOICE_STATUSES, Invoice, type IInvoice } from "./invoices/invoice.ts";
export { StripeEvent, type IStripeEvent } from "./invoices/stripe-event.ts";
export { ChatSession, type IChatSession } from "./leads/chat-session.ts";
export { Lead, type ILead } from "./leads/lead.ts";
export { ReferralCredit, type IReferralCredit } from "./leads/referral-credit.ts";
export { Invitation, type IInvitation } from "./platform/invitation.ts";
export { LoginAttempt, type ILoginAttempt } from "./platform/login-attempt.ts";
export { AccountToken, ACCOUNT_TOKEN_PURPOSES, type AccountTokenPurpose, type IAccountToken } from "./platform/account-token.ts";
export { MailOutbox, type IMailOutbox } from "./platform/mail-outbox.ts";
export { MEMBERSHIP_ROLES, Membership, type IMembership } from "./platform/membership.ts";
export { OrganizationBilling, type IOrganizationBilling } from "./platform/organization-billing.ts";
export { OrganizationUsageEvent, type IOrganizationUsageEvent } from "./platform/organization-usage-event.ts";
export { Organization, type IOrganization } from "./platform/organization.ts";
export { RefreshToken, type IRefreshToken } from "./platform/refresh-token.ts";
export { User, type IUser } from "./platform/user.ts";
export { SubscriptionAddon, type ISubscriptionAddon } from "./subscriptions/subscription-addon.ts";
export { Subscription, type ISubscription } from "./subscriptions/subscription.ts";
export { Worker, type IWorker } from "./workers/worker.ts";

/**
 * The platform tables: they define the orgs and are not scoped by one. The staff sessions, invitations and login
 * attempts (0038) are here too: they are reached by token hash or email before any org context exists.
 */
export const PLATFORM_ENTITIES = [
  Organization,
  OrganizationBilling,
  OrganizationUsageEvent,
  User,
  Membership,
  RefreshToken,
  Invitation,
  LoginAttempt,
  AccountToken,
  MailOutbox,
] as const;

/** The 30 business (tenant) tables, each with `orgId` and row-level security, parents before children. */
export const BUSINESS_ENTITIES = [
  ClientUser,
  Team,
  TeamWorkingHours,
  TeamBlackout,
  Worker,
  AddonDefinition,
  Booking,
  OrderAddon,
  OrderPhoto,
  Lead,
  ChatSession,
  InvoiceNumberSequence,
  Invoice,
  InvoiceItem,
  InvoicePayment,
  InvoicePublicToken,
  StripeEvent,
  EmailEvent,
  ReferralCredit,
  DocumentTemplate,
  Document,
  Subscription,
  SubscriptionAddon,
  Dispute,
  FinancialAdjustmentEvent,
  AdminAuditLog,
  ChecklistTemplate,
  ChecklistTemplateItem,
  ChecklistRun,
  ChecklistRunItem,
] as const;

/** Every entity, for `MikroORM.init({ entities })`. */
export const ALL_ENTITIES = [...PLATFORM_ENTITIES, ...BUSINESS_ENTITIES] as const;
