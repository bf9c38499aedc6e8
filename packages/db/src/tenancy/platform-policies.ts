import type { PolicyDef } from "@mikro-orm/core";
import { APP_ROLE, PLATFORM_ROLE } from "./database-roles.ts";
import { CURRENT_ORG_SETTING, CURRENT_USER_SETTING } from "./tenant-filter.ts";

/**
 * The row-level security of the platform tables (migration 0052), in one place for the migration and the entities
 * (MikroORM's schema diff compares them table by table). Business tables are keyed by `app.current_org` alone; the
 * platform tables also by `app.current_user`, the staff user a transaction acts for (set beside the org by
 * `userEntityManager`). Nothing is visible without a setting. The policies on users and organizations read
 * memberships, whose own policy reads no other table: no recursion.
 */
export const CURRENT_ORG = `nullif(current_setting('${CURRENT_ORG_SETTING}', true), '')::uuid`;
export const CURRENT_USER = `nullif(current_setting('${CURRENT_USER_SETTING}', true), '')::uuid`;

const sameOrg = `org_id = ${CURRENT_ORG}`;
const sameUser = `user_id = ${CURRENT_USER}`;

/** The migrating owner and the CLI (members of the platform role) see and write every row, as on business tables. */
const platformAll: PolicyDef = { name: "platform_all", command: "all", roles: [PLATFORM_ROLE], using: "true", check: "true" };

const app = (name: string, command: PolicyDef["command"], rule: { using?: string; check?: string }): PolicyDef => ({
  name,
  command,
  roles: [APP_ROLE],
  ...rule,
});

export const PLATFORM_TABLES = [
  "organizations",
  "organization_billing",
  "organization_usage_events",
  "users",
  "memberships",
  "invitations",
  "refresh_tokens",
  "account_tokens",
  "login_attempts",
  "mail_outbox",
] as const;
export type PlatformTable = (typeof PLATFORM_TABLES)[number];

export const PLATFORM_POLICIES: Record<PlatformTable, readonly PolicyDef[]> = {
  // The current org, or an org the current user is a member of (the org picker at sign-in); only the current org
  // is written (sign-up generates the new org's id first, so the insert happens with it as the current org).
  organizations: [
    platformAll,
    app("app_read", "select", {
      using: `org_id = ${CURRENT_ORG} OR EXISTS (SELECT 1 FROM public.memberships m WHERE m.org_id = organizations.org_id AND m.${sameUser})`,
    }),
    app("app_insert", "insert", { check: sameOrg }),
    app("app_update", "update", { using: sameOrg, check: sameOrg }),
  ],
  organization_billing: [platformAll, app("app_org", "all", { using: sameOrg, check: sameOrg })],
  organization_usage_events: [platformAll, app("app_org", "all", { using: sameOrg, check: sameOrg })],
  // The current user, or a member (present or past) of the current org; only the current user writes their row.
  users: [
    platformAll,
    app("app_read", "select", {
      using: `id = ${CURRENT_USER} OR EXISTS (SELECT 1 FROM public.memberships m WHERE m.user_id = users.id AND m.${sameOrg})`,
    }),
    app("app_insert", "insert", { check: `id = ${CURRENT_USER}` }),
    app("app_update", "update", { using: `id = ${CURRENT_USER}`, check: `id = ${CURRENT_USER}` }),
  ],
  // The current org's memberships and the current user's own; written only in the current org.
  memberships: [
    platformAll,
    app("app_read", "select", { using: `${sameOrg} OR ${sameUser}` }),
    app("app_insert", "insert", { check: sameOrg }),
    app("app_update", "update", { using: sameOrg, check: sameOrg }),
  ],
  invitations: [platformAll, app("app_org", "all", { using: sameOrg, check: sameOrg })],
  // The current user's own sessions (every org: sign out everywhere); a new one only in the current org. An admin
  // ends another member's sessions through revoke_member_sessions (0052).
  refresh_tokens: [
    platformAll,
    app("app_read", "select", { using: sameUser }),
    app("app_insert", "insert", { check: `${sameUser} AND ${sameOrg}` }),
    app("app_update", "update", { using: sameUser, check: sameUser }),
  ],
  account_tokens: [platformAll, app("app_user", "all", { using: sameUser, check: sameUser })],
  // No grant at all for the app role: the throttle goes through 0052's functions.
  login_attempts: [platformAll],
  // The app role only queues mail: an org's mail in its org, an account mail to the current user's own address
  // (also what an INSERT … RETURNING needs to see). The sender and the demo's mail page go through 0052's functions.
  mail_outbox: [
    platformAll,
    app("app_read", "select", {
      using: `org_id = ${CURRENT_ORG} OR (org_id IS NULL AND to_address = (SELECT u.email FROM public.users u WHERE u.id = ${CURRENT_USER}))`,
    }),
    app("app_insert", "insert", {
      check: `org_id = ${CURRENT_ORG} OR (org_id IS NULL AND to_address = (SELECT u.email FROM public.users u WHERE u.id = ${CURRENT_USER}))`,
    }),
  ],
};
