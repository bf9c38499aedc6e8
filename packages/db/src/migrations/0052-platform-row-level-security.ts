import type { PolicyDef } from "@mikro-orm/core";
import { APP_ROLE } from "../tenancy/database-roles.ts";
import { CURRENT_ORG, PLATFORM_POLICIES, PLATFORM_TABLES } from "../tenancy/platform-policies.ts";
import { sqlMigration } from "./sql-migration.ts";

/** Every column of users but the password hash: what the app role may read (0052). */
export const USER_READABLE_COLUMNS = [
  "id",
  "email",
  "name",
  "disabled_at",
  "created_at",
  "updated_at",
  "email_verified_at",
  "tokens_valid_after",
] as const;

/**
 * The cross-org steps of signing in, each one narrow question answered by a SECURITY DEFINER function (owned by the
 * migrating owner, search_path pinned, every table schema-qualified, callable by the app role only), as 0039's
 * public-token lookup. Everything after the answer runs under row-level security with the org and user it named.
 */
export const PLATFORM_FUNCTIONS: ReadonlyArray<{ signature: string; returns: string; volatility: "STABLE" | "VOLATILE"; body: string }> = [
  {
    // Sign-in and the steps that prove a password: the one place the hash leaves the database, for one exact email.
    signature: "find_account_by_email(p_email text)",
    returns:
      "TABLE (id uuid, email text, name text, password_hash text, email_verified_at timestamptz, disabled_at timestamptz, tokens_valid_after timestamptz)",
    volatility: "STABLE",
    body: `SELECT u.id, u.email, u.name, u.password_hash, u.email_verified_at, u.disabled_at, u.tokens_valid_after
        FROM public.users u WHERE lower(u.email) = lower(p_email) AND u.email = p_email`,
  },
  {
    // Every signed-in admin-api request: is this user a live member of this org, with which role (a token names both).
    // One statement without a transaction around it: the per-request check costs one round trip, not three.
    signature: "find_live_membership(p_user_id uuid, p_org_id uuid)",
    returns: "TABLE (membership_id uuid, role text, email text, name text, tokens_valid_after timestamptz, org_name text, org_slug text)",
    volatility: "STABLE",
    body: `SELECT m.id, m.role, u.email, u.name, u.tokens_valid_after, o.name, o.slug
        FROM public.memberships m
        JOIN public.users u ON u.id = m.user_id AND u.disabled_at IS NULL
        JOIN public.organizations o ON o.org_id = m.org_id AND o.status = 'active'
       WHERE m.user_id = p_user_id AND m.org_id = p_org_id AND m.revoked_at IS NULL`,
  },
  {
    // Worker sign-in and sign-up's slug check: an org by its public slug, before any org context exists.
    signature: "find_org_by_slug(p_slug text)",
    returns: "TABLE (org_id uuid, name text, status text)",
    volatility: "STABLE",
    body: `SELECT o.org_id, o.name, o.status FROM public.organizations o WHERE o.slug = p_slug`,
  },
  {
    // Refresh and logout: whose session a token is; the rotation itself runs as that user in that org.
    signature: "find_refresh_token(p_token_hash text)",
    returns: "TABLE (id uuid, user_id uuid, org_id uuid, family_id uuid)",
    volatility: "STABLE",
    body: `SELECT t.id, t.user_id, t.org_id, t.family_id FROM public.refresh_tokens t WHERE t.token_hash = p_token_hash`,
  },
  {
    // Redeeming an invitation: which org invites whom, and whether that org is active.
    signature: "find_invitation(p_token_hash text)",
    returns:
      "TABLE (id uuid, org_id uuid, email text, role text, expires_at timestamptz, accepted_at timestamptz, revoked_at timestamptz, org_status text)",
    volatility: "STABLE",
    body: `SELECT i.id, i.org_id, i.email, i.role, i.expires_at, i.accepted_at, i.revoked_at, o.status
        FROM public.invitations i JOIN public.organizations o ON o.org_id = i.org_id WHERE i.token_hash = p_token_hash`,
  },
  {
    // A verification or reset link: whose it is; it is then read and spent as that user.
    signature: "find_account_token(p_token_hash text, p_purpose text)",
    returns: "TABLE (id uuid, user_id uuid)",
    volatility: "STABLE",
    body: `SELECT t.id, t.user_id FROM public.account_tokens t WHERE t.token_hash = p_token_hash AND t.purpose = p_purpose`,
  },
  {
    // An admin ending a member's sessions: only that member's tokens, only in the transaction's org.
    signature: "revoke_member_sessions(p_user_id uuid, p_at timestamptz)",
    returns: "integer",
    volatility: "VOLATILE",
    body: `WITH revoked AS (
          UPDATE public.refresh_tokens t SET revoked_at = p_at
           WHERE t.user_id = p_user_id AND t.org_id = ${CURRENT_ORG} AND t.revoked_at IS NULL RETURNING 1)
        SELECT count(*)::int FROM revoked`,
  },
  {
    // The sign-in throttle's counts for one key and one client (login-throttle.ts): counts and times, never rows.
    signature:
      "login_throttle_state(p_email text, p_ip inet, p_since timestamptz, p_since_global timestamptz, p_since_known timestamptz, p_pair_max integer, p_global_max integer, p_ip_max integer)",
    returns:
      "TABLE (pair_failures integer, pair_tenth double precision, ip_failures integer, ip_oldest double precision, global_failures integer, global_oldest double precision, last_failure double precision, known boolean)",
    volatility: "STABLE",
    body: `WITH last_ok AS (
          SELECT coalesce(max(a.attempted_at), '-infinity'::timestamptz) AS at FROM public.login_attempts a
           WHERE a.email = p_email AND a.succeeded
        ), fails AS (
          SELECT a.attempted_at, a.ip FROM public.login_attempts a, last_ok
           WHERE a.email = p_email AND NOT a.succeeded AND a.attempted_at > greatest(p_since_global, last_ok.at)
        ), pair AS (
          SELECT f.attempted_at FROM fails f WHERE f.ip IS NOT DISTINCT FROM p_ip AND f.attempted_at > p_since
           ORDER BY f.attempted_at DESC LIMIT p_pair_max
        ), glob AS (
          SELECT f.attempted_at FROM fails f ORDER BY f.attempted_at DESC LIMIT p_global_max
        ), by_ip AS (
          SELECT a.attempted_at FROM public.login_attempts a
           WHERE p_ip IS NOT NULL AND a.ip = p_ip AND NOT a.succeeded AND a.attempted_at > p_since
           ORDER BY a.attempted_at DESC LIMIT p_ip_max
        )
        SELECT (SELECT count(*)::int FROM pair),
               (SELECT extract(epoch FROM min(pair.attempted_at))::float8 FROM pair),
               (SELECT count(*)::int FROM by_ip),
               (SELECT extract(epoch FROM min(by_ip.attempted_at))::float8 FROM by_ip),
               (SELECT count(*)::int FROM glob),
               (SELECT extract(epoch FROM min(glob.attempted_at))::float8 FROM glob),
               (SELECT extract(epoch FROM max(glob.attempted_at))::float8 FROM glob),
               (p_ip IS NOT NULL AND EXISTS (
                  SELECT 1 FROM public.login_attempts a
                   WHERE a.email = p_email AND a.succeeded AND a.ip = p_ip AND a.attempted_at > p_since_known))`,
  },
  {
    // One attempt (a sign-in counted as a failure before the password is checked, a proven reset, a public action).
    signature: "login_attempt_record(p_email text, p_ip inet, p_succeeded boolean, p_at timestamptz)",
    returns: "uuid",
    volatility: "VOLATILE",
    body: `INSERT INTO public.login_attempts (email, ip, succeeded, attempted_at) VALUES (p_email, p_ip, p_succeeded, p_at) RETURNING id`,
  },
  {
    // The password proved right: that one attempt (by its id, known only to its caller) becomes a success.
    signature: "login_attempt_succeeded(p_id uuid)",
    returns: "void",
    volatility: "VOLATILE",
    body: `UPDATE public.login_attempts SET succeeded = true WHERE id = p_id AND NOT succeeded`,
  },
  {
    // Retention (24 hours for failures, 30 days for successes) of one key and one client. The cut-off is never later
    // than the database's own clock says, so no caller can prune recent attempts by passing a future time.
    signature: "login_attempts_prune(p_email text, p_ip inet, p_now timestamptz)",
    returns: "void",
    volatility: "VOLATILE",
    body: `DELETE FROM public.login_attempts a
         WHERE (a.email = p_email OR (p_ip IS NOT NULL AND a.ip = p_ip))
           AND ((NOT a.succeeded AND a.attempted_at < least(p_now, now()) - interval '24 hours')
             OR a.attempted_at < least(p_now, now()) - interval '30 days')`,
  },
  {
    // Public actions per client (sign-up, reset request): counted under keys that are no email (no '@').
    signature: "client_action_count(p_action text, p_ip inet, p_since timestamptz, p_max integer)",
    returns: "TABLE (n integer, oldest double precision)",
    volatility: "STABLE",
    body: `SELECT count(*)::int, extract(epoch FROM min(r.attempted_at))::float8 FROM (
          SELECT a.attempted_at FROM public.login_attempts a
           WHERE strpos(p_action, '@') = 0 AND a.email = p_action AND a.ip = p_ip AND a.attempted_at > p_since
           ORDER BY a.attempted_at DESC LIMIT p_max) r`,
  },
  {
    signature: "client_action_prune(p_action text, p_ip inet, p_before timestamptz)",
    returns: "void",
    volatility: "VOLATILE",
    body: `DELETE FROM public.login_attempts a
         WHERE strpos(p_action, '@') = 0 AND a.email = p_action AND a.ip = p_ip
           AND a.attempted_at < least(p_before, now() - interval '1 hour')`,
  },
  {
    // The outbox sender: the due mail, oldest first, locked for the caller's transaction (SKIP LOCKED), 100 at most.
    signature: "mail_outbox_claim(p_limit integer)",
    returns: "TABLE (id uuid, to_address text, subject text, text_body text, attempts integer)",
    volatility: "VOLATILE",
    body: `SELECT m.id, m.to_address, m.subject, m.text_body, m.attempts FROM public.mail_outbox m
         WHERE m.sent_at IS NULL AND m.next_attempt_at <= statement_timestamp()
         ORDER BY m.created_at, m.id LIMIT least(p_limit, 100) FOR UPDATE SKIP LOCKED`,
  },
  {
    signature: "mail_outbox_mark_sent(p_id uuid, p_sent_at timestamptz, p_keep_body boolean)",
    returns: "void",
    volatility: "VOLATILE",
    body: `UPDATE public.mail_outbox SET sent_at = p_sent_at, attempts = attempts + 1, last_error = NULL,
           text_body = CASE WHEN p_keep_body THEN text_body ELSE '' END
         WHERE id = p_id AND sent_at IS NULL`,
  },
  {
    signature: "mail_outbox_mark_failed(p_id uuid, p_error text, p_delay_seconds double precision)",
    returns: "void",
    volatility: "VOLATILE",
    body: `UPDATE public.mail_outbox SET attempts = attempts + 1, last_error = left(p_error, 500),
           next_attempt_at = statement_timestamp() + make_interval(secs => greatest(p_delay_seconds, 0))
         WHERE id = p_id AND sent_at IS NULL`,
  },
  {
    // The demo's mail page: mails delivered to the developer's console, which alone keep their body once sent (a mail
    // server's are emptied on delivery); pending mail is never shown. 50 at most.
    signature: "dev_recent_mails(p_limit integer)",
    returns: "TABLE (id uuid, to_address text, subject text, text_body text, created_at timestamptz, sent_at timestamptz)",
    volatility: "STABLE",
    body: `SELECT m.id, m.to_address, m.subject, m.text_body, m.created_at, m.sent_at FROM public.mail_outbox m
         WHERE m.sent_at IS NOT NULL AND m.text_body <> ''
         ORDER BY m.created_at DESC, m.id DESC LIMIT least(p_limit, 50)`,
  },
];

export const PLATFORM_FUNCTION_NAMES = PLATFORM_FUNCTIONS.map((f) => f.signature.slice(0, f.signature.indexOf("(")));

/** `p_email text, p_ip inet` → `text, inet`: the argument types that name a function in GRANT and DROP. */
const argTypes = (signature: string) =>
  signature
    .slice(signature.indexOf("(") + 1, -1)
    .split(",")
    .map((a) => a.trim().split(/\s+/).slice(1).join(" "))
    .filter(Boolean)
    .join(", ");
const identity = (signature: string) => `${signature.slice(0, signature.indexOf("("))}(${argTypes(signature)})`;

function createPolicySql(table: string, p: PolicyDef): string {
  const command = p.command && p.command !== "all" ? ` FOR ${p.command.toUpperCase()}` : "";
  const roles = p.roles?.length ? ` TO ${p.roles.join(", ")}` : "";
  const using = typeof p.using === "string" ? ` USING (${p.using})` : "";
  const check = typeof p.check === "string" ? ` WITH CHECK (${p.check})` : "";
  return `CREATE POLICY ${p.name} ON ${table}${command}${roles}${using}${check}`;
}

/**
 * The platform tables behind the database's guard. Before this, the app role with no org set could read every
 * password hash and refresh token, make anyone an owner, suspend any org and clear the sign-in throttle: one SQL
 * injection anywhere would have been a takeover across orgs. Now, as on business tables (0037):
 *
 * - row-level security (ENABLE + FORCE) on every platform table, keyed by `app.current_org` and `app.current_user`
 *   (tenancy/platform-policies.ts), `platform_all` for the migrating owner and the CLI;
 * - users.password_hash unreadable by the app role (column grants): only `find_account_by_email` returns it;
 * - login_attempts out of the app role's reach (no grant), mail_outbox insert-only for it;
 * - the few cross-org steps of sign-in through the narrow SECURITY DEFINER functions above.
 */
export const m0052PlatformRowLevelSecurity = sqlMigration({
  up: [
    ...PLATFORM_TABLES.flatMap((t) => [
      `ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY`,
      `ALTER TABLE ${t} FORCE ROW LEVEL SECURITY`,
      ...PLATFORM_POLICIES[t].map((p) => createPolicySql(t, p)),
    ]),
    `REVOKE SELECT ON users FROM ${APP_ROLE}`,
    `GRANT SELECT (${USER_READABLE_COLUMNS.join(", ")}) ON users TO ${APP_ROLE}`,
    `REVOKE ALL ON login_attempts FROM ${APP_ROLE}`,
    `REVOKE UPDATE, DELETE ON mail_outbox FROM ${APP_ROLE}`,
    ...PLATFORM_FUNCTIONS.flatMap((f) => [
      `CREATE FUNCTION ${f.signature}
      RETURNS ${f.returns}
      LANGUAGE sql ${f.volatility} SECURITY DEFINER
      SET search_path = pg_catalog, public
      AS $$
        ${f.body}
      $$`,
      `REVOKE ALL ON FUNCTION ${identity(f.signature)} FROM PUBLIC`,
      `GRANT EXECUTE ON FUNCTION ${identity(f.signature)} TO ${APP_ROLE}`,
    ]),
  ],
  down: [
    ...[...PLATFORM_FUNCTIONS].reverse().map((f) => `DROP FUNCTION ${identity(f.signature)}`),
    `GRANT UPDATE, DELETE ON mail_outbox TO ${APP_ROLE}`,
    `GRANT SELECT, INSERT, DELETE ON login_attempts TO ${APP_ROLE}`,
    `GRANT UPDATE (succeeded) ON login_attempts TO ${APP_ROLE}`,
    `REVOKE SELECT (${USER_READABLE_COLUMNS.join(", ")}) ON users FROM ${APP_ROLE}`,
    `GRANT SELECT ON users TO ${APP_ROLE}`,
    ...[...PLATFORM_TABLES]
      .reverse()
      .flatMap((t) => [
        ...[...PLATFORM_POLICIES[t]].reverse().map((p) => `DROP POLICY ${p.name} ON ${t}`),
        `ALTER TABLE ${t} NO FORCE ROW LEVEL SECURITY`,
        `ALTER TABLE ${t} DISABLE ROW LEVEL SECURITY`,
      ]),
  ],
});
