import { ROLES, type Role } from "@cleanops/db";

export { ROLES, type Role };

const O = "owner";
const A = "admin";
const D = "dispatcher";
const F = "finance";
const EVERYONE = [O, A, D, F] as const;

type Grant = { roles: readonly Role[]; about: string };

/**
 * THE permission matrix of admin-api: every capability a route can require, and the roles that have it. Nothing else
 * decides who may do what (the role itself is read from the database on every request). `docs/roles.md` is rendered
 * from this table and a test keeps the two identical.
 *
 * owner — everything, billing, ownership and deleting the org included. admin — everything but billing and owners.
 * dispatcher — operations (bookings, teams, schedules, workers, clients, leads, checklists, add-ons), invoices
 * read-only. finance — money (invoices, payments, public links, disputes, adjustments, subscriptions, documents),
 * bookings and clients read-only.
 */
export const PERMISSIONS = {
  // Session and organization
  "session.read": { roles: EVERYONE, about: "Read your own user, current role and memberships" },
  "session.switch_org": { roles: EVERYONE, about: "Switch the session to another org you are a member of" },
  "account.manage": { roles: EVERYONE, about: "Change your own password; sign out everywhere" },
  "org.read": { roles: EVERYONE, about: "Read the organization's profile" },
  "org.update": { roles: [O, A], about: "Rename the organization" },
  "org.delete": { roles: [O], about: "Delete the organization" },
  "billing.read": { roles: [O], about: "Read the SaaS plan, seats and billing period" },
  "billing.manage": { roles: [O], about: "Change the plan, seats and payment details" },
  "ownership.transfer": { roles: [O], about: "Hand ownership to another member (you become admin)" },
  // Members
  "members.read": { roles: [O, A], about: "List members and pending invitations" },
  "members.invite": { roles: [O, A], about: "Invite by email with a role no higher than your own; withdraw invitations" },
  "members.manage": { roles: [O, A], about: "Change a member's role, revoke a membership (owners excepted)" },
  "owners.manage": { roles: [O], about: "Grant, change or revoke the owner role (invite, promote, demote, revoke owners)" },
  "audit.read": { roles: [O, A], about: "Read the admin audit log" },
  // Operations
  "bookings.read": { roles: EVERYONE, about: "Read bookings" },
  "bookings.write": { roles: [O, A, D], about: "Create, change and cancel bookings" },
  "teams.read": { roles: [O, A, D], about: "Read teams" },
  "teams.write": { roles: [O, A, D], about: "Manage teams" },
  "schedules.read": { roles: [O, A, D], about: "Read working hours and blackouts" },
  "schedules.write": { roles: [O, A, D], about: "Manage working hours and blackouts" },
  "workers.read": { roles: [O, A, D], about: "Read workers" },
  "workers.write": { roles: [O, A, D], about: "Manage workers and their portal access" },
  "clients.read": { roles: EVERYONE, about: "Read clients" },
  "clients.write": { roles: [O, A, D], about: "Manage clients" },
  "leads.read": { roles: [O, A, D], about: "Read leads and chats" },
  "leads.write": { roles: [O, A, D], about: "Manage leads, chats and referral credits" },
  "checklists.read": { roles: [O, A, D], about: "Read checklist templates and runs" },
  "checklists.write": { roles: [O, A, D], about: "Manage checklist templates" },
  "addons.read": { roles: [O, A, D], about: "Read add-ons" },
  "addons.write": { roles: [O, A, D], about: "Manage add-ons and their prices" },
  "emails.read": { roles: [O, A, D, F], about: "Read the log of emails sent to clients" },
  // Money
  "invoices.read": { roles: EVERYONE, about: "Read invoices and their items" },
  "invoices.write": { roles: [O, A, F], about: "Draft, issue and void invoices" },
  "payments.read": { roles: [O, A, F], about: "Read payments" },
  "payments.write": { roles: [O, A, F], about: "Record and refund payments" },
  "public_links.read": { roles: [O, A, F], about: "Read invoice links sent to clients" },
  "public_links.write": { roles: [O, A, F], about: "Create and revoke invoice links" },
  "disputes.read": { roles: [O, A, F], about: "Read disputes" },
  "disputes.write": { roles: [O, A, F], about: "Open and resolve disputes" },
  "adjustments.read": { roles: [O, A, F], about: "Read refunds, credits and write-offs" },
  "adjustments.write": { roles: [O, A, F], about: "Record refunds, credits and write-offs" },
  "subscriptions.read": { roles: [O, A, F], about: "Read clients' recurring plans" },
  "subscriptions.write": { roles: [O, A, F], about: "Manage clients' recurring plans" },
  "documents.read": { roles: [O, A, F], about: "Read document templates and documents" },
  "documents.write": { roles: [O, A, F], about: "Manage document templates and documents" },
} as const satisfies Record<string, Grant>;

export type Capability = keyof typeof PERMISSIONS;

export const CAPABILITIES = Object.keys(PERMISSIONS) as Capability[];

export function isCapability(value: string): value is Capability {
  return Object.hasOwn(PERMISSIONS, value);
}

/** Whether `role` has `capability`, per the matrix above. */
export function roleAllows(role: Role, capability: Capability): boolean {
  const roles: readonly Role[] = PERMISSIONS[capability].roles;
  return roles.includes(role);
}

/** The capabilities of one role, in matrix order. */
export function capabilitiesOf(role: Role): Capability[] {
  return CAPABILITIES.filter((c) => roleAllows(role, c));
}

const RANK: Record<Role, number> = { owner: 3, admin: 2, dispatcher: 1, finance: 1 };

/**
 * Whether someone with role `actor` may hand out role `granted` (invite, promote): never higher than their own, and
 * the owner role only with `owners.manage`.
 */
export function mayGrant(actor: Role, granted: Role): boolean {
  if (RANK[granted] > RANK[actor]) return false;
  return granted !== "owner" || roleAllows(actor, "owners.manage");
}
